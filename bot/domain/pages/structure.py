"""The walk over a page's blocks: sections, pledges, results and extra activities.

Rules:
- The title (the first heading, when it names the page or is followed by text, or the first
  <h1>) is never a focus area.
- Headings are, in this order: furniture ("Bakgrund", "Sidinformation", "Följ med i hur det går!",
  "Metod", "Genomförande", "Kommunikation", "Uppföljning", "Gemensam lägesbild", "Det här ska
  vi åstadkomma", …: skipped up to the next other heading), extras ("Extra insatser utöver
  löftena"), results ("Resultat", "Resultat belysning", "Utfall 2020", "Så gick det"), a pledge's
  own heading (a heading followed by its paragraph(s) and then a result marker, or a heading one
  level below a focus heading that holds one or two pledge paragraphs), roles ("Polisens del i
  löftet", "Kommunens del", "Vad gör polisen?", "Polis och kommun i samverkan", "Gemensamt": they
  set who keeps the pledges below), generic pledge
  headings ("Det här ska vi göra", "Medborgarlöfte 2017": a section without a name), or focus
  areas.
- Pledges are bullet items (three words or more) and paragraphs that promise ("… lovar …", "Vi
  lovar", "Löfte: …", a party with "ska"/"kommer att", or outside the lead a party with an action
  verb in the present tense: "Polisen genomför …"), and in follow-up pages the paragraph(s)
  under a pledge's own heading.
- A promising paragraph is an introduction, not a pledge, when it ends with ":" or "genom att",
  when bullets or pledge headings follow it, when it is a vague "lovar att arbeta för …" that
  opens a section with more pledges after it, or when it stands in the lead (before the first
  section heading) ahead of other pledges. Bullets below an introduction inherit its subject.
- Results: a result heading or a paragraph starting "Resultat:", "Utfall:", "Utfallet blev",
  "Uppföljning:", "Genomfört:", "Detta har polisen genomfört" … collects the paragraphs after it
  up to the next heading or promise, and belongs to the pledge just before it. A result heading
  followed by bullets or by sub-headings opens a list of results that are matched to pledges by
  similarity instead. "Polisens uppföljning" / "Kommunens uppföljning" are such headings: their
  bullets are results on that party's pledges, never new pledges.
- "Vi lovade: …" / "Löfte: …" restates a pledge; "Det här har vi gjort: …" is its result.
- A pledge seen twice (a follow-up that restates the pledges) is kept once; its results join it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.domain.pages.model import Responsible
from bot.domain.pages.parties import Subject, subject_of
from bot.domain.pages.targets import read_target
from bot.domain.pages.text import Block

_FURNITURE_RE = re.compile(
    r"^(?:bakgrund|sidinformation|om sidan|följ med|följ arbetet|metod(?:er)?|genomförande|"
    r"kommunikation|uppföljning(?:\s+(?:sker|och\s+utvärdering|av\s+arbetet))?|"
    r"(?:gemensam|lokal|aktuell)\s+lägesbild|lägesbild(?:en)?|orsaksanalys|läs mer|"
    r"relaterad\w*|kontakt\w*|till toppen|sök\b|dela\b|nyheter|det här ska vi åstadkomma|"
    r"(?:förväntade\s+)?effekter|syfte(?:t)?|mål och syfte|vad är (?:ett )?medborgarlöfte\w*|"
    r"om medborgarlöfte\w*|så (?:här )?(?:tog vi fram|arbetar vi med)|medborgardialog\w*|"
    r"mer information|fakta|bilder|dokument|ladda ner|tidplan|organisation|styrning|"
    r"inledning|sammanfattning|hitta\b|cookies?|kakor|ansvarsfördelning|dialog med medborgarna|"
    r"undertecknande|underskrifter)"
    r"\s*[:!?.]?$",
    re.IGNORECASE,
)
_EXTRAS_RE = re.compile(
    r"\b(?:extra insatser|utöver (?:medborgar)?löftena|övriga insatser|andra insatser|"
    r"insatser utöver|övriga aktiviteter|utöver löftet)\b",
    re.IGNORECASE,
)
_RESULT_HEADING_RE = re.compile(
    r"^(?:resultat(?:et)?(?!\s+av\b)(?:\s+[\wåäö-]+){0,3}|utfall(?:et)?(?:\s+[\wåäö-]+){0,2}|"
    r"(?:polisens|kommunens|[A-ZÅÄÖa-zåäö][\wåäö-]+\s+(?:kommuns|stads)|gemensam|gemensamma|"
    r"vår|våra)\s+uppföljning(?:ar)?(?:\s+(?:19|20)\d\d)?|"
    r"uppföljning\s+(?:19|20)\d\d|så (?:här )?gick det|det här har (?:vi|polisen|kommunen) "
    r"gjort|detta har (?:vi|polisen|kommunen) (?:gjort|genomfört)|måluppfyllelse|"
    r"genomfört|genomförda insatser)\s*:?$",
    re.IGNORECASE,
)
_RESULT_INLINE_RE = re.compile(
    r"^(?:(?:resultat(?:et)?|utfall(?:et)?|uppföljning|genomfört|status|så (?:här )?gick det|"
    r"det här har (?:vi|polisen|kommunen) gjort|detta har (?:vi|polisen|kommunen) "
    r"(?:gjort|genomfört))(?:\s+(?:för\s+|under\s+)?(?:19|20)\d\d|\s+hittills)?\s*[:–—-]\s*"
    r"|(?=utfallet\s+blev\b))",
    re.IGNORECASE,
)
_ROLE_RES: tuple[tuple[re.Pattern[str], Responsible], ...] = (
    (
        re.compile(
            r"^(?:polisens?\s+(?:del|löften|löfte|åtaganden|ansvar|insatser)(?:\s+i\s+löftet)?|"
            r"polisen\s+lovar(?:\s+att)?|det här (?:gör|lovar) polisen|polisen|"
            r"vad (?:gör|lovar) polisen|så här (?:gör|arbetar) polisen|"
            r"(?:lokal)?polisen\s+i\s+[A-ZÅÄÖ][\wåäö-]+(?:\s+[A-ZÅÄÖ][\wåäö-]+)?\s+lovar"
            r"(?:\s+att)?)\s*[:?]?$",
            re.IGNORECASE,
        ),
        "polisen",
    ),
    (
        re.compile(
            r"^(?:kommunens?\s+(?:del|löften|löfte|åtaganden|ansvar|insatser)(?:\s+i\s+löftet)?|"
            r"kommunen\s+lovar(?:\s+att)?|det här (?:gör|lovar) kommunen|kommunen|"
            r"vad (?:gör|lovar) kommunen|så här (?:gör|arbetar) kommunen|"
            r"[A-ZÅÄÖ][\wåäö-]+\s+(?:kommun|stad)\s+lovar(?:\s+att)?|"
            r"[A-ZÅÄÖ][\wåäö-]+\s+(?:kommuns|stads)\s+(?:del|löften|åtaganden)(?:\s+i\s+löftet)?)"
            r"\s*[:?]?$",
            re.IGNORECASE,
        ),
        "kommunen",
    ),
    (
        re.compile(
            r"^(?:gemensamt|gemensamma\s+(?:löften|åtaganden|insatser)|gemensam del|"
            r"tillsammans(?:\s+lovar\s+vi)?|det gör vi tillsammans|vi lovar tillsammans|"
            r"polisen och kommunen(?:\s+lovar)?|kommunen och polisen(?:\s+lovar)?|"
            r"båda parter|polisens och kommunens (?:del|löften|åtaganden)|"
            r"vad (?:gör|lovar) (?:vi|polisen och kommunen) tillsammans|"
            r"polis och kommun i samverkan|i samverkan|polis och kommun tillsammans)\s*[:?]?$",
            re.IGNORECASE,
        ),
        "båda",
    ),
)
_GENERIC_RE = re.compile(
    r"^(?:det här (?:ska vi göra|lovar vi|gör vi)|detta lovar vi|våra (?:medborgar)?löften|"
    r"vad vi lovar|så här gör vi|(?:de )?(?:nya )?(?:medborgar)?löften(?:a|t|na)?|"
    r"medborgarlöfte|aktiviteter|åtgärder|våra åtaganden|åtaganden|"
    r"(?:medborgar)?löfte\w*\s+(?:för\s+)?(?:år\s+)?(?:19|20)\d\d.*|"
    r"medborgarlöfte\w*\s+(?:i|för)\s+.*|löftena för .*|det här lovar (?:polisen och kommunen|"
    r"kommunen och polisen))\s*[:!.]?$",
    re.IGNORECASE,
)
_LOFTE_PREFIX_RE = re.compile(
    r"^(?:löfte|löftet|medborgarlöfte|vi lovade|så lovade vi|det här lovade vi|detta lovade vi)"
    r"(?:\s+\d{1,2})?\s*[:.–—-]\s*",
    re.I,
)
_PROMISE_RE = re.compile(r"\blovar\b", re.IGNORECASE)
_MODAL_RE = re.compile(r"^(?:ska|skall|kommer\s+att|åtar\s+sig|åtar\s+vi\s+oss)\b", re.I)
_ACTION_VERBS = frozenset(
    {
        "genomför",
        "bedriver",
        "besöker",
        "anordnar",
        "arrangerar",
        "håller",
        "erbjuder",
        "ger",
        "utför",
        "arbetar",
        "verkar",
        "medverkar",
        "deltar",
        "fortsätter",
        "samverkar",
        "patrullerar",
        "kontrollerar",
        "informerar",
        "inrättar",
        "startar",
        "driver",
        "finns",
        "utvecklar",
        "förbättrar",
        "bjuder",
        "sprider",
        "planerar",
        "prioriterar",
        "kartlägger",
        "jobbar",
        "ökar",
        "stärker",
        "inför",
        "tar",
        "gör",
        "ordnar",
        "syns",
        "satsar",
        "utbildar",
    }
)
_VAGUE_RE = re.compile(
    r"\blovar\s+(?:att\s+)?(?:gemensamt\s+|tillsammans\s+)?(?:(?:vara\s+delaktig\s+och\s+)?"
    r"(?:arbeta|verka|jobba)\s+(?:\w+\s+)?(?:för|med|mot)\b|(?:arbeta|verka)\s+\w+(?:främjande|"
    r"förebyggande|skapande)\b)",
    re.IGNORECASE,
)
_TITLE_HINT_RE = re.compile(
    r"löfte|uppföljning|hur går det|kommun|polis|trygg|resultat|redovisning", re.IGNORECASE
)


@dataclass(eq=False, slots=True)
class Intro:
    subject: Subject | None
    text: str
    section: int
    has_bullets: bool = False


@dataclass(eq=False, slots=True)
class ResultDraft:
    label: str | None
    parts: list[str]
    pledge: PledgeDraft | None
    party: Responsible | None = None
    """Set under "Polisens uppföljning" / "Kommunens uppföljning": whose pledges it reports on."""

    @property
    def text(self) -> str:
        return " ".join(p for p in self.parts if p).strip()


@dataclass(eq=False, slots=True)
class PledgeDraft:
    text: str
    heading: str | None
    section: int
    intro: Intro | None
    role: Responsible | None
    in_lead: bool
    from_bullet: bool
    order: int
    results: list[ResultDraft] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class ExtraDraft:
    heading: str | None
    parts: list[str]


@dataclass(slots=True)
class Structure:
    pledges: list[PledgeDraft]
    sections: dict[int, str | None]
    results: list[ResultDraft]
    extras: list[ExtraDraft]
    warnings: list[str]


def _role_of(heading: Block) -> Responsible | None:
    if len(heading.text.split()) > 7:
        return None
    for pattern, party in _ROLE_RES:
        if pattern.match(heading.text):
            return party
    return None


_TRAILING_YEARS_RE = re.compile(
    r"\s+(?:för\s+|år\s+)?(?:19|20)\d\d(?:\s*(?:-|–|—|och|till)\s*(?:19|20)\d\d)?\s*[:.]?$"
)


def _result_party(text: str) -> Responsible | None:
    lowered = text.lower()
    if lowered.startswith("polisens"):
        return "polisen"
    if lowered.startswith(("kommunens", "gemensam")) or re.match(
        r"\S+\s+(?:kommuns|stads)", lowered
    ):
        return "kommunen" if not lowered.startswith("gemensam") else "båda"
    return None


def heading_kind(heading: Block) -> str:
    text = heading.text.strip()
    generic = _TRAILING_YEARS_RE.sub("", text)
    if _FURNITURE_RE.match(text):
        return "furniture"
    if _EXTRAS_RE.search(text):
        return "extras"
    if _RESULT_HEADING_RE.match(text):
        return "result"
    if _role_of(heading) is not None:
        return "role"
    if _GENERIC_RE.match(text) or _GENERIC_RE.match(generic):
        return "generic"
    return "focus"


def find_title(blocks: Sequence[Block]) -> int | None:
    """Index of the title among content blocks (no noise), or None."""
    for i, block in enumerate(blocks):
        if block.kind == "heading" and block.from_markup and block.level == 1:
            return i
    if not blocks or blocks[0].kind != "heading":
        return None
    first = blocks[0]
    following = blocks[1] if len(blocks) > 1 else None
    if heading_kind(first) in ("furniture", "result", "extras", "role"):
        return None
    if _TITLE_HINT_RE.search(first.text) or (following is not None and following.kind == "para"):
        return 0
    return None


def _words(text: str) -> int:
    return len(text.split())


def promises(text: str) -> bool:
    """A strong promise: "Löfte: …", or "lovar" with a party (or "vi") as the subject."""
    if _LOFTE_PREFIX_RE.match(text):
        return True
    head = " ".join(text.split()[:16])
    if not _PROMISE_RE.search(head):
        return False
    subject, _ = subject_of(text)
    first = text.split()[0].lower().strip(",")
    return subject is not None or first in ("vi", "tillsammans", "gemensamt", "härmed")


def pledge_like(text: str, *, in_lead: bool) -> bool:
    if promises(text):
        return True
    subject, consumed = subject_of(text)
    if subject is None:
        return False
    rest = " ".join(text.split()[consumed:])
    if _MODAL_RE.match(rest):
        return True
    first = rest.split()[0].lower() if rest.split() else ""
    return not in_lead and first in _ACTION_VERBS


def _result_marker(block: Block) -> bool:
    if block.kind == "heading":
        return heading_kind(block) == "result"
    return block.kind == "para" and _RESULT_INLINE_RE.match(block.text) is not None


def _more_promises_before_heading(blocks: Sequence[Block], start: int) -> bool:
    """Does another promise follow in the same section (so the heading names a section)?"""
    for block in blocks[start:]:
        if block.kind == "heading":
            return False
        if promises(block.text):
            return True
    return False


def _pledge_headings(blocks: Sequence[Block], title: int | None) -> set[int]:
    found: set[int] = set()
    section_level: int | None = None
    for i, block in enumerate(blocks):
        if block.kind != "heading" or i == title:
            continue
        kind = heading_kind(block)
        if kind != "focus" and kind != "generic":
            if kind in ("furniture", "extras"):
                section_level = None
            continue
        j = i + 1
        paras = 0
        while j < len(blocks) and blocks[j].kind == "para" and not _result_marker(blocks[j]):
            paras += 1
            j += 1
        if (
            paras
            and j < len(blocks)
            and _result_marker(blocks[j])
            and not _LOFTE_PREFIX_RE.match(blocks[i + 1].text)
            and not _more_promises_before_heading(blocks, j + 1)
        ):
            found.add(i)
            continue
        ends_section = j >= len(blocks) or blocks[j].kind == "heading"
        if (
            kind == "focus"
            and section_level is not None
            and block.level > section_level
            and 1 <= paras <= 2
            and ends_section
            and pledge_like(blocks[i + 1].text, in_lead=False)
        ):
            found.add(i)
            continue
        if section_level is None or block.level <= section_level:
            section_level = block.level
    return found


def _normalised(text: str) -> str:
    return re.sub(r"[^\wåäö0-9 ]+", "", " ".join(_LOFTE_PREFIX_RE.sub("", text).lower().split()))


_FUZZY_LIMIT = 500


def _find_same(key: str, keys: list[str]) -> int | None:
    """Index of an earlier pledge with (nearly) the same text: a restated pledge."""
    if not keys or len(keys) > _FUZZY_LIMIT:
        return None
    digits = re.findall(r"\d+", key)
    for _match, _score, index in process.extract(
        key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=92, limit=3
    ):
        if re.findall(r"\d+", keys[index]) == digits:
            return int(index)
    return None


def walk(blocks: Sequence[Block], title: int | None) -> Structure:
    pledge_heading_at = _pledge_headings(blocks, title)
    pledges: list[PledgeDraft] = []
    results: list[ResultDraft] = []
    extras: list[ExtraDraft] = []
    warnings: list[str] = []
    sections: dict[int, str | None] = {0: None}
    section = 0
    mode = "lead"
    role: Responsible | None = None
    role_level = 0
    intro: Intro | None = None
    last_pledge: PledgeDraft | None = None
    current_result: ResultDraft | None = None
    current_extra: ExtraDraft | None = None
    extras_level = 0
    results_level = 0
    pending_heading: str | None = None
    result_party: Responsible | None = None
    group: list[str] = []
    previous_kind = ""
    exact: dict[str, PledgeDraft] = {}
    keys: list[str] = []

    def add_pledge(draft: PledgeDraft) -> PledgeDraft:
        draft.text = _LOFTE_PREFIX_RE.sub("", draft.text).strip()
        key = _normalised(draft.text)
        existing = exact.get(key)
        if existing is None:
            index = _find_same(key, keys)
            existing = pledges[index] if index is not None else None
        if existing is not None:
            if existing.heading is None and draft.heading is not None:
                existing.heading = draft.heading
            return existing
        pledges.append(draft)
        keys.append(key)
        exact[key] = draft
        return draft

    def flush_group() -> None:
        nonlocal pending_heading, group, last_pledge
        if pending_heading is not None and group:
            last_pledge = add_pledge(
                PledgeDraft(
                    text=" ".join(group),
                    heading=pending_heading,
                    section=section,
                    intro=intro,
                    role=role,
                    in_lead=False,
                    from_bullet=False,
                    order=len(pledges),
                )
            )
        elif pending_heading is not None:
            last_pledge = None
        pending_heading = None
        group = []

    def start_result(label: str | None, first: str | None) -> None:
        nonlocal current_result
        flush_group()
        current_result = ResultDraft(label, [first] if first else [], last_pledge)
        results.append(current_result)

    def more_pledges_follow(index: int) -> bool:
        for later in blocks[index + 1 :]:
            if later.kind == "heading":
                return False
            if later.kind == "bullet" or (
                later.kind == "para" and pledge_like(later.text, in_lead=mode == "lead")
            ):
                return True
        return False

    for i, block in enumerate(blocks):
        if i == title:
            continue
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        kind_now = block.kind
        if block.kind == "heading":
            current_result = None
            flush_group()
            kind = heading_kind(block)
            sub_heading = block.level > extras_level or (
                not block.from_markup and block.level == extras_level and extras_level >= 2
            )
            if mode == "extras" and kind not in ("furniture", "extras") and sub_heading:
                current_extra = ExtraDraft(block.text, [])
                extras.append(current_extra)
                previous_kind = kind_now
                continue
            if (
                mode == "results"
                and kind == "focus"
                and block.level > results_level
                and i not in pledge_heading_at
            ):
                current_result = ResultDraft(block.text, [], None)
                results.append(current_result)
                previous_kind = kind_now
                continue
            current_extra = None
            if kind == "furniture":
                mode = "furniture"
                intro = None
            elif kind == "extras":
                mode = "extras"
                extras_level = block.level
                intro = None
            elif kind == "result":
                result_party = _result_party(block.text)
                if following is not None and following.kind == "bullet":
                    mode = "result_list"
                elif (
                    following is not None
                    and following.kind == "heading"
                    and not _result_marker(following)
                ):
                    mode = "results"
                    results_level = block.level
                else:
                    labelled = re.match(r"^(?:resultat|utfall)\s+(.+)$", block.text, re.I)
                    label = labelled.group(1).strip(" :") if labelled else None
                    if label and re.fullmatch(r"(?:19|20)\d\d|för \d{4}|hittills", label):
                        label = None
                    start_result(label, None)
            elif i in pledge_heading_at:
                mode = "pledges"
                pending_heading = block.text
                group = []
            elif kind == "role":
                role = _role_of(block)
                role_level = block.level
                intro = None
                mode = "pledges"
            else:
                if role is not None and not role_level < block.level:
                    role = None
                section = len(sections)
                sections[section] = None if kind == "generic" else block.text
                mode = "pledges"
                intro = None
                last_pledge = None
            previous_kind = kind_now
            continue

        if mode == "furniture":
            previous_kind = kind_now
            continue

        if block.kind == "bullet":
            if mode == "extras":
                if current_extra is not None and current_extra.heading and not current_extra.parts:
                    current_extra.parts.append(block.text)
                elif _words(block.text) >= 3:
                    extras.append(ExtraDraft(None, [block.text]))
                previous_kind = kind_now
                continue
            if mode == "result_list":
                results.append(ResultDraft(None, [block.text], None, result_party))
                previous_kind = kind_now
                continue
            if current_result is not None and not promises(block.text):
                current_result.parts.append(block.text)
                previous_kind = kind_now
                continue
            current_result = None
            if pending_heading is not None:
                group.append(block.text)
                previous_kind = kind_now
                continue
            if _words(block.text) < 3:
                if mode != "lead":
                    warnings.append(
                        f'Punkten "{block.text}" är för kort för att vara ett löfte '
                        "och togs inte med"
                    )
                previous_kind = kind_now
                continue
            last_pledge = add_pledge(
                PledgeDraft(
                    text=block.text,
                    heading=None,
                    section=section,
                    intro=intro,
                    role=role,
                    in_lead=mode == "lead",
                    from_bullet=True,
                    order=len(pledges),
                )
            )
            if intro is not None:
                intro.has_bullets = True
            previous_kind = kind_now
            continue

        # Paragraphs.
        text = block.text
        if mode == "extras":
            if current_extra is not None:
                current_extra.parts.append(text)
            elif not text.endswith(":") and _words(text) >= 3:
                extras.append(ExtraDraft(None, [text]))
            previous_kind = kind_now
            continue
        inline = _RESULT_INLINE_RE.match(text)
        if inline:
            start_result(None, text[inline.end() :].strip())
            previous_kind = kind_now
            continue
        if current_result is not None and not promises(text):
            current_result.parts.append(text)
            previous_kind = kind_now
            continue
        current_result = None
        if pending_heading is not None:
            group.append(text)
            previous_kind = kind_now
            continue
        if previous_kind == "bullet" and intro is not None and intro.has_bullets:
            intro = None
        in_lead = mode == "lead"
        if mode in ("result_list", "results") and not promises(text):
            results.append(ResultDraft(None, [text], None))
            previous_kind = kind_now
            continue
        if pledge_like(text, in_lead=in_lead):
            next_is_pledge_heading = i + 1 in pledge_heading_at
            vague = (
                _VAGUE_RE.search(text) is not None
                and read_target(text).target is None
                and not any(p.section == section for p in pledges)
                and more_pledges_follow(i)
            )
            if (
                text.rstrip().endswith(":")
                or re.search(r"\bgenom\s+att\s*:?$", text)
                or (following is not None and following.kind == "bullet")
                or next_is_pledge_heading
                or vague
            ):
                intro = Intro(subject_of(text)[0], text, section)
            else:
                last_pledge = add_pledge(
                    PledgeDraft(
                        text=text,
                        heading=None,
                        section=section,
                        intro=intro if not in_lead else None,
                        role=role,
                        in_lead=in_lead,
                        from_bullet=False,
                        order=len(pledges),
                    )
                )
        elif (
            text.rstrip().endswith(":")
            and following is not None
            and following.kind == "bullet"
            and (intro is None or intro.has_bullets)
        ):
            intro = Intro(subject_of(text)[0], text, section)
        previous_kind = kind_now

    flush_group()
    # Promising paragraphs of the lead that come before the real pledges only introduce them.
    others = [p for p in pledges if not (p.in_lead and not p.from_bullet)]
    if others:
        first_other = min(p.order for p in others)
        dropped = [p for p in pledges if p.in_lead and not p.from_bullet and p.order < first_other]
        if dropped:
            for result in results:
                if result.pledge in dropped:
                    result.pledge = None
            pledges = [p for p in pledges if p not in dropped]
    return Structure(pledges, sections, results, extras, warnings)
