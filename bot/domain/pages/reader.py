"""``read_page``: from a published page to a ``PageReading``.

Who keeps a pledge, in order: its own subject; a party in parentheses or after "Ansvarig:"
(also for a pledge whose subject is "vi"); for a pledge without one, the subject of the
introduction above it, then a role heading ("Polisens del i löftet", "Vad gör kommunen?");
"vi" under a joint page means both; a named co-actor makes a single party "båda". When nothing
says, "båda" with a warning.
Results that do not follow their pledge are matched to pledges with rapidfuzz (the label or the
text against each pledge's short name and text), else by content words with a clear margin
(``matching.closest``); under "Polisens uppföljning" only the police's pledges (and joint ones)
are candidates. Below the threshold, or when two pledges match about equally well, they are
reported in a warning instead of guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from rapidfuzz import fuzz

from bot.domain.pages.concepts import offered_synonyms
from bot.domain.pages.matching import Candidate, closest
from bot.domain.pages.meta import (
    find_municipality,
    find_period,
    find_police_area,
    find_published,
    find_reported_period,
)
from bot.domain.pages.model import (
    PageError,
    PageExtraActivity,
    PageFocusArea,
    PageKind,
    PagePledge,
    PageReading,
    PageResult,
    Responsible,
)
from bot.domain.pages.names import (
    derive_short_name,
    focus_name,
    focus_name_from_intro,
    unique_names,
)
from bot.domain.pages.parties import stated_party, subject_of, with_co_actors
from bot.domain.pages.structure import Intro, PledgeDraft, ResultDraft, find_title, walk
from bot.domain.pages.targets import read_result_count, read_target
from bot.domain.pages.text import Block, read_text

_MATCH_THRESHOLD = 75
_FOLLOW_UP_TITLE_RE = re.compile(
    r"hur går det|uppföljning|resultat|redovisning|så gick det|utfall", re.IGNORECASE
)
_PARTIES: tuple[Responsible, ...] = ("polisen", "kommunen", "båda")


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _tidy_pledge(text: str) -> str:
    """A pledge as published, without the list punctuation of its bullet ("…,", "… och")."""
    return re.sub(r"(?:\s*[,;]|\s+(?:och|samt))+$", "", " ".join(text.split()))


def _responsible(draft: PledgeDraft, warnings: list[str]) -> Responsible:
    own, _ = subject_of(draft.text)
    party: Responsible | None = None
    if own in _PARTIES:
        party = own
    if party is None and own in (None, "vi"):
        # "Vi lovar att … (Polisen)": the party named after the pledge says who "vi" is.
        party = stated_party(draft.text)
    intro_subject = draft.intro.subject if draft.intro else None
    if party is None:
        if own == "vi":
            if draft.role is not None:
                party = draft.role
            elif intro_subject in _PARTIES:
                party = intro_subject
            else:
                party = "båda"
        elif intro_subject in _PARTIES:
            party = intro_subject
        elif draft.role is not None:
            party = draft.role
        elif intro_subject == "vi":
            party = "båda"
    if party is None:
        warnings.append(
            f'Det framgår inte vem som ansvarar för löftet "{_quote(draft.text)}" – '
            "satt till båda; ändra vid importen om det behövs"
        )
        party = "båda"
    return with_co_actors(party, draft.text)


def _acronyms(blocks: Sequence[Block]) -> frozenset[str]:
    found: set[str] = set()
    for block in blocks:
        letters = [c for c in block.text if c.isalpha()]
        if letters and all(c.isupper() for c in letters):
            continue
        found.update(re.findall(r"(?<![\wåäöÅÄÖ])[A-ZÅÄÖ]{2,6}(?![a-zåäö])", block.text))
    return frozenset(found)


def _result_text(result: ResultDraft) -> str:
    body = result.text
    if result.label:
        label = result.label.strip(" :")
        if label and not body.lower().startswith(label.lower()):
            return f"{label[:1].upper()}{label[1:]}: {body}" if body else label
    return body


def _party_of_draft(draft: PledgeDraft) -> Responsible:
    return _responsible(draft, [])


def _match(
    result: ResultDraft, drafts: Sequence[PledgeDraft], names: Sequence[str]
) -> PledgeDraft | None:
    text = result.text
    label = result.label
    if label is None:
        head = text.split(":", 1)[0]
        label = head if len(head) < 60 and ":" in text else None
    scores: list[tuple[float, int]] = []
    for index, draft in enumerate(drafts):
        if result.party in ("polisen", "kommunen") and _party_of_draft(draft) not in (
            result.party,
            "båda",
        ):
            continue  # "Polisens uppföljning" reports on the police's pledges
        score = 0.0
        if label:
            score = max(
                fuzz.token_set_ratio(label.lower(), names[index]),
                fuzz.partial_ratio(label.lower(), names[index]) if len(label) >= 5 else 0.0,
                fuzz.token_set_ratio(label.lower(), (draft.heading or "").lower()),
            )
        score = max(score, 0.9 * fuzz.token_set_ratio(text.lower(), draft.text.lower()))
        scores.append((score, index))
    if not scores:
        return None
    scores.sort(reverse=True)
    best, index = scores[0]
    if best < _MATCH_THRESHOLD:
        # Worded differently ("Belysningen i Parkstråket är utbytt" for "rusta upp
        # belysningen i Parkstråket"): the content words decide, with a clear margin.
        allowed = [i for _, i in scores]
        found, _ = closest(
            text,
            [Candidate(drafts[i].text, (names[i], drafts[i].heading or ""), None) for i in allowed],
        )
        return drafts[allowed[found]] if found is not None else None
    if len(scores) > 1 and scores[1][0] >= best - 3:
        return None
    return drafts[index]


def read_page(
    content: bytes | str,
    *,
    source: str,
    today: date,
    municipality_hint: str | None = None,
) -> PageReading:
    """Read a published promise page or follow-up report (see the package docs for the rules).

    Raises ``PageError`` (Swedish message) for empty, binary or oversized input, for a page
    without pledges or results, and for a page without a municipality when no hint is given.
    """
    page = read_text(content)
    blocks = [b for b in page.blocks if b.kind != "noise"]
    if not blocks:
        raise PageError("Sidan är tom – det finns ingen text att läsa.")
    title_index = find_title(blocks)
    titles = [blocks[title_index].text] if title_index is not None else []
    if page.html_title:
        titles.append(page.html_title)

    structure = walk(blocks, title_index)
    drafts = structure.pledges
    if not drafts and not any(r.text for r in structure.results):
        raise PageError(
            "Hittade inga löften eller resultat på sidan. Kontrollera att det är en sida med "
            'medborgarlöften (till exempel "Polisen lovar att …" eller punktlistor med löften).'
        )
    warnings: list[str] = []
    found_municipality = find_municipality(titles, blocks)
    if municipality_hint and municipality_hint.strip():
        municipality = municipality_hint.strip()
        if found_municipality and found_municipality.lower() != municipality.lower():
            warnings.append(
                f"Sidan verkar gälla {found_municipality}, men {municipality} angavs – "
                f"{municipality} används"
            )
    elif found_municipality is None:
        raise PageError("Hittade ingen kommun på sidan – ange kommunen när sidan importeras.")
    else:
        municipality = found_municipality
    police_area = find_police_area(page.blocks)
    published = find_published(page.blocks)
    period = find_period(blocks, titles, published, today)
    warnings.extend(period.warnings)
    warnings.extend(structure.warnings)

    acronyms = _acronyms(blocks)
    names = unique_names(
        [derive_short_name(d.text, d.heading) for d in drafts], [d.text for d in drafts]
    )
    # Results that do not follow their pledge are matched by similarity.
    for result in structure.results:
        if not result.text and not result.label:
            continue
        if result.pledge is None and result.text:
            result.pledge = _match(result, drafts, names)
            if result.pledge is None:
                warnings.append(
                    f'Resultatet "{_quote(_result_text(result))}" kunde inte kopplas till '
                    "något löfte"
                )
        if result.pledge is not None and result.text:
            result.pledge.results.append(result)

    kind: PageKind = "pledges"
    if any(r.text and r.pledge for r in structure.results) or any(
        _FOLLOW_UP_TITLE_RE.search(t) for t in titles[:1]
    ):
        kind = "follow_up"

    offered = offered_synonyms([d.text for d in drafts], names)
    built: dict[int, PagePledge] = {}
    for draft, name, synonyms in zip(drafts, names, offered, strict=True):
        responsible = _responsible(draft, warnings)
        reading = read_target(draft.text)
        for number in reading.unused_numbers:
            warnings.append(
                f'Talet {number} i löftet "{_quote(draft.text)}" tolkades inte som ett mål – '
                "kontrollera målet vid importen"
            )
        if reading.unsupported_frequency:
            warnings.append(
                f'Frekvensen "{reading.unsupported_frequency}" i löftet "{_quote(draft.text)}" '
                "kan inte följas upp som den står – ange fönster vid importen"
            )
        hints = [name, *(name.split())]
        if reading.target and reading.target.unit:
            hints.append(reading.target.unit)
        page_results: list[PageResult] = []
        for result in draft.results:
            count, approximate = read_result_count(result.text, hints)
            page_results.append(PageResult(_result_text(result), count, approximate))
        if kind == "follow_up" and not page_results:
            warnings.append(f'Inget resultat hittades för löftet "{_quote(draft.text)}"')
        built[id(draft)] = PagePledge(
            text=_tidy_pledge(draft.text),
            short_name=name,
            responsible=responsible,
            target=reading.target,
            results=tuple(page_results),
            synonyms=synonyms,
        )

    focus_areas = _focus_areas(drafts, built, structure.sections, acronyms)
    extras = tuple(
        PageExtraActivity(
            text=(f"{e.heading}: {' '.join(e.parts)}" if e.heading and e.parts else e.heading)
            if e.heading
            else " ".join(e.parts),
            count=read_result_count(" ".join(e.parts))[0] if e.parts else None,
        )
        for e in structure.extras
        if e.heading or e.parts
    )
    return PageReading(
        source=source,
        kind=kind,
        municipality=municipality,
        police_area=police_area,
        period=period.period,
        focus_areas=focus_areas,
        extra_activities=extras,
        warnings=tuple(dict.fromkeys(warnings)),
        reported_period=find_reported_period(blocks, period.period)
        if kind == "follow_up"
        else None,
    )


def _focus_areas(
    drafts: Sequence[PledgeDraft],
    built: dict[int, PagePledge],
    sections: dict[int, str | None],
    acronyms: frozenset[str],
) -> tuple[PageFocusArea, ...]:
    bullet_intros: dict[int, list[Intro]] = {}
    for draft in drafts:
        if draft.intro is not None and draft.intro.has_bullets:
            listed = bullet_intros.setdefault(draft.section, [])
            if draft.intro not in listed:
                listed.append(draft.intro)
    groups: dict[str, tuple[str | None, list[PagePledge]]] = {}
    for draft in drafts:
        section_name = sections.get(draft.section)
        name = focus_name(section_name, acronyms) if section_name else None
        intros = bullet_intros.get(draft.section, [])
        if draft.intro is not None and draft.intro in intros and len(intros) >= 2:
            name = focus_name_from_intro(draft.intro.text) or name
        key = name.lower() if name else ""
        if key not in groups:
            groups[key] = (name, [])
        groups[key][1].append(built[id(draft)])
    return tuple(PageFocusArea(name, tuple(pledges)) for name, pledges in groups.values())
