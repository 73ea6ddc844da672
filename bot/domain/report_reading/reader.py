"""Reading a message: the pledge, the count, the day and the place, and whether to ask."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from bot.domain import swedish
from bot.domain.dates import DayMatch, day_like_spans, find_day
from bot.domain.report_reading.counts import CountFinder, read_count
from bot.domain.report_reading.coverage import coverage_match, coverage_names
from bot.domain.report_reading.model import Candidate, CoverageChoice, PledgeChoice, ReportReading
from bot.domain.report_reading.places import (
    PlaceFinder,
    named_municipalities,
    other_municipalities,
    unread_words,
)
from bot.domain.report_reading.pledges import (
    ScoredPledge,
    TermMatcher,
    compile_pledges,
    municipality_key,
    score_pledge,
)
from bot.domain.report_reading.tuning import (
    CANDIDATE_MIN,
    CANDIDATE_WINDOW,
    DECIDE_MIN,
    EPSILON,
    MARGIN_OTHER_MUNICIPALITY,
    MARGIN_SAME_MUNICIPALITY,
    MAX_CANDIDATES,
    MAX_DAY_RETRIES,
    TWO_ACTIVITIES_MIN,
)
from bot.domain.report_reading.vocabulary import (
    COMING_WEEKDAY_RE,
    LAST_WEEK_RE,
    NOT_DONE_RE,
    VAGUE_DAY_RE,
    WEEKEND_RE,
    tokens_of,
)
from bot.domain.swedish import Token


def day_options(text: str, today: date) -> tuple[date, ...]:
    """The days to offer when the day is not clear: last week's, the weekend's, or the last
    seven days."""
    if LAST_WEEK_RE.search(text):
        monday = today - timedelta(days=today.weekday() + 7)
        return tuple(monday + timedelta(days=n) for n in range(6, -1, -1))
    if WEEKEND_RE.search(text):
        saturday = today - timedelta(days=(today.weekday() - 5) % 7)
        days = (saturday + timedelta(days=1), saturday)
        return tuple(d for d in days if d <= today)
    return tuple(today - timedelta(days=n) for n in range(7))


# --- Reading --------------------------------------------------------------------------------


def _matched_words(text: str, tokens: Sequence[Token], used: Iterable[int]) -> str:
    """The matched words as written; words close together with what stands between them."""
    groups: list[list[int]] = []
    for index in sorted(used):
        if (
            groups
            and index - groups[-1][-1] <= 3
            and not any(tokens[i].hard_before for i in range(groups[-1][-1] + 1, index + 1))
        ):
            groups[-1].append(index)
        else:
            groups.append([index])
    return " ".join(text[tokens[g[0]].start : tokens[g[-1]].end] for g in groups)


def _another_day(
    text: str, tokens: Sequence[Token], first: DayMatch, today: date, hour: int
) -> bool:
    """True when the text names a second, different day after the first one."""
    later = find_day(text[first.end :], today, hour=hour)
    if later is not None and later.day != first.day:
        return True
    # A number the first search passed over ("kl 22 - 21/11").
    starts = [t.start for t in tokens if t.digit and t.start >= first.end][:MAX_DAY_RETRIES]
    for start in starts:
        found = find_day(text[start:], today, hour=hour)
        if found is not None and found.start == 0 and found.day != first.day:
            return True
    return False


def _day_unclear(text: str, day_match: DayMatch | None) -> bool:
    """True when the text speaks of a time that is not one past day ("förra veckan")."""
    if COMING_WEEKDAY_RE.search(text):
        return True
    return any(
        day_match is None or m.end() <= day_match.start or m.start() >= day_match.end
        for m in VAGUE_DAY_RE.finditer(text)
    )


def _decide(ranked: Sequence[ScoredPledge]) -> ScoredPledge | None:
    if not ranked or ranked[0].score < DECIDE_MIN - EPSILON:
        return None
    best = ranked[0]
    for other in ranked[1:]:
        if other.base >= TWO_ACTIVITIES_MIN - EPSILON and not other.base_tokens & best.base_tokens:
            return None  # two activities named in one message ("skolbesök och trafikkontroll")
        same = other.pledge.municipality == best.pledge.municipality
        margin = MARGIN_SAME_MUNICIPALITY if same else MARGIN_OTHER_MUNICIPALITY
        if best.score - other.score < margin - EPSILON:
            return None
    return best


def read_report(
    text: str, choices: Sequence[PledgeChoice], today: date, *, hour: int = 12
) -> ReportReading:
    """Read one reporter message against the pledges the reporter may report on.

    ``candidates`` holds the plausible pledges, best first; ``pledge`` is set only when one of
    them is clearly the one meant. The count is 1 when none is stated, the day is ``today`` when
    none is stated (None when the stated one is refused), and the place is as written or None.
    """
    original = text
    text = swedish.clean(text)
    tokens = tokens_of(text)
    try:
        compiled = compile_pledges(tuple(choices))
    except TypeError:  # a choice that cannot be hashed (a list where a tuple belongs)
        compiled = compile_pledges.__wrapped__(tuple(choices))

    # Municipality named in the text.
    municipality_names = list(dict.fromkeys(c.municipality for c in choices))
    named, municipality_tokens = named_municipalities(tokens, municipality_names)
    municipality = named[0] if len(named) == 1 else None
    pledges = compiled
    if municipality is not None and len(municipality_names) > 1:
        wanted = municipality_key(municipality)
        pledges = tuple(p for p in compiled if p.municipality == wanted)

    # Pledges.
    matcher = TermMatcher(text, tokens)
    scored: list[ScoredPledge] = []
    weak = frozenset(swedish.key(w) for name in municipality_names for w in swedish.words(name))
    for pledge in pledges:
        found = score_pledge(pledge, matcher, weak)
        if found is not None:
            scored.append(found)
    scored.sort(key=lambda s: s.score, reverse=True)
    plausible = [
        s
        for s in scored
        if s.score >= CANDIDATE_MIN and s.score >= scored[0].score - CANDIDATE_WINDOW
    ][:MAX_CANDIDATES]
    chosen = _decide(plausible)
    if chosen is not None and NOT_DONE_RE.search(text):
        chosen = None
    candidates = tuple(
        Candidate(
            s.pledge.choice, round(min(1.0, s.score), 3), _matched_words(text, tokens, s.tokens)
        )
        for s in plausible
    )

    # Day.
    day_match = find_day(text, today, hour=hour)
    if day_match is None:
        day: date | None = today
        day_problem: str | None = None
    else:
        day = day_match.day
        day_problem = day_match.problem
        if day is None and day_problem is None:
            day_problem = "invalid"
    two_days = day_match is not None and _another_day(text, tokens, day_match, today, hour)
    day_like = day_like_spans(text)
    unread_day = any(
        day_match is None or end <= day_match.start or start >= day_match.end
        for start, end in day_like
    )
    if day_problem is None and (two_days or unread_day or _day_unclear(text, day_match)):
        day_problem = "unclear"  # a vague time, a day-like word not read, or two days
    if day_problem is not None:
        day = None
    offered = day_options(text, today) if day_problem in ("unclear", "invalid") else ()

    times = [m.span() for m in VAGUE_DAY_RE.finditer(text)]
    times += [m.span() for m in COMING_WEEKDAY_RE.finditer(text)]
    if day_match is not None:
        times.append((day_match.start, day_match.end))

    # Count: a number counts what the chosen pledge counts (any pledge's words when none is).
    counted = compiled if chosen is None else (chosen.pledge,)
    vocabulary = frozenset(
        w.key for p in counted for t in p.terms if not t.lexicon for w in t.words if not w.soft
    )
    field_words = frozenset(
        w.key for p in counted for t in p.terms if t.lexicon for w in t.words if not w.soft
    )
    counter = CountFinder(text, tokens, vocabulary, day_match, [*times, *day_like], field_words)
    count = read_count(counter)

    # Place and coverage.
    # Words that named a pledge strongly are not a place ("tips om droger"); generic ones may be
    # part of one ("Hedeskolan").
    term_tokens = frozenset(i for s in scored if s.base >= DECIDE_MIN for i in s.base_tokens)
    known_place_keys = frozenset(
        key
        for p in compiled
        for item in p.choice.coverage
        for name in coverage_names(item)
        for key in name.distinctive
    ) | frozenset(municipality_key(n) for n in municipality_names if " " not in n)
    others = other_municipalities(tokens, municipality_names, known_place_keys)
    places = PlaceFinder(text, tokens, times, term_tokens, municipality_tokens, known_place_keys)
    place = places.find()
    coverage_item: CoverageChoice | None = None
    if chosen is not None and chosen.pledge.choice.coverage:
        items = chosen.pledge.choice.coverage
        if place is not None:
            in_place = coverage_match(tokens_of(place), items, weak)
            coverage_item = None if in_place is None else in_place[0]
        if coverage_item is None:
            found_item = coverage_match(tokens, items, weak)
            if found_item is not None:
                coverage_item = found_item[0]
                span = found_item[2]
                if place is None and span and span[-1] - span[0] <= 4:
                    place = text[tokens[span[0]].start : tokens[span[-1]].end]

    return ReportReading(
        text=original,
        candidates=candidates,
        pledge=None if chosen is None else chosen.pledge.choice,
        count=count.value,
        count_stated=count.stated,
        count_sure=count.sure,
        count_problem=count.problem,
        day=day,
        day_stated=day_match is not None,
        day_problem=day_problem,
        place=place,
        coverage_item=coverage_item,
        municipality=municipality,
        other_municipalities=others,
        day_options=offered,
        unread_words=unread_words(
            text,
            tokens,
            understood=frozenset(i for s in scored if s.score >= CANDIDATE_MIN for i in s.tokens)
            | municipality_tokens
            | frozenset(
                () if places.found is None else range(places.found[0], places.found[1] + 1)
            ),
            times=[*times, *day_like],
        ),
    )
