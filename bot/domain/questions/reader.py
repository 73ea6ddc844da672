"""Reading a question: its kind, responsible party, unknown place and, with the rest, the
whole ``Question``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.domain import swedish
from bot.domain.questions.field import hyphened_field_word, is_topic_word
from bot.domain.questions.model import Kind, Question, Responsible, Topic
from bot.domain.questions.places import (
    as_names,
    as_towns,
    choose_place,
    clean_question,
    find_places,
    name_index,
)
from bot.domain.questions.topics import question_words, read_topics, topic_index
from bot.domain.questions.tuning import MAX_WORDS, NAME_WINDOW
from bot.domain.questions.vocabulary import (
    BODY_PLACE_PREPOSITIONS,
    CHIT_CHAT_RES,
    DEFINITE_ENDINGS,
    ENGLISH_MARKERS,
    ENGLISH_WORDS,
    FILLER,
    HAVE,
    KOMMUN_SUFFIX,
    MUNICIPALITY_BODY_WORDS,
    NOT_A_NAME,
    NOT_SUPINE,
    PLACE_PREPOSITIONS_EN,
    PLACE_PREPOSITIONS_SV,
    PLEDGE_PREFIXES,
    PLEDGE_RES,
    PLEDGE_SUFFIXES,
    PLEDGE_WORDS,
    POLICE_WORDS,
    PROGRESS_PREFIXES,
    PROGRESS_WORDS,
    REQUEST_WORDS,
    STOP,
    STRONG_PROGRESS_RES,
    SUPINE_ENDINGS,
    SWEDISH_MARKERS,
    WEAK_PROGRESS_RES,
    YEAR_RE,
)
from bot.domain.swedish import Token

# --- Responsible party ----------------------------------------------------------------------


def _responsible_words(
    tokens: Sequence[Token], place_tokens: frozenset[int]
) -> tuple[frozenset[int], frozenset[int]]:
    """The words naming the police, and the municipality as a body, as a question's subject."""
    police: set[int] = set()
    body: set[int] = set()
    for i, token in enumerate(tokens):
        if i in place_tokens:
            continue
        fold = token.fold
        if fold in POLICE_WORDS or (
            len(fold) > 7 and fold.endswith(("polisen", "polis")) and not fold.startswith("polis")
        ):
            police.add(i)
            continue
        if fold not in MUNICIPALITY_BODY_WORDS:
            continue
        before = i - 1
        if before >= 0 and tokens[before].fold == "the":
            before -= 1
        if before >= 0 and (
            before in place_tokens or tokens[before].fold in BODY_PLACE_PREPOSITIONS
        ):
            continue  # "i kommunen", "in the municipality", "Åsele kommunen"
        body.add(i)
    return frozenset(police), frozenset(body)


# --- Unknown places -------------------------------------------------------------------------


def _not_a_place_word(token: Token, topic_tokens: frozenset[int], index: int) -> bool:
    return (
        token.digit
        or index in topic_tokens
        or token.fold in STOP
        or token.fold in NOT_A_NAME
        or token.fold in REQUEST_WORDS
        or token.fold in MUNICIPALITY_BODY_WORDS
        or token.fold in POLICE_WORDS
        or len(token.fold) < 2
        or is_topic_word(swedish.key(token.low))
    )


def _unknown_place(
    text: str, tokens: Sequence[Token], english: bool, topic_tokens: frozenset[int]
) -> tuple[str | None, frozenset[int]]:
    """Words after "i"/"för"/"in" (or before "kommun") that look like a place we do not know."""
    prepositions = PLACE_PREPOSITIONS_EN if english else PLACE_PREPOSITIONS_SV
    last_content = len(tokens) - 1
    while last_content >= 0 and tokens[last_content].fold in KOMMUN_SUFFIX:
        last_content -= 1
    for i, token in enumerate(tokens[:-1]):
        if token.fold not in prepositions:
            continue
        start = i + 1
        head = tokens[start]
        if _not_a_place_word(head, topic_tokens, start) and not (
            # "i Nya Zeeland": a capitalised small word before a name
            head.capital
            and not head.digit
            and start + 1 < len(tokens)
            and tokens[start + 1].capital
            and not _not_a_place_word(tokens[start + 1], topic_tokens, start + 1)
        ):
            continue
        followed_by_kommun = start + 1 < len(tokens) and tokens[start + 1].fold in KOMMUN_SUFFIX
        if head.capital:
            last = start
            while (
                last + 1 < len(tokens)
                and last - start < 2
                and tokens[last + 1].capital
                and not _not_a_place_word(tokens[last + 1], topic_tokens, last + 1)
            ):
                last += 1
        elif followed_by_kommun or (
            start == last_content and not head.fold.endswith(DEFINITE_ENDINGS)
        ):
            last = start
        else:
            continue
        return text[head.start : tokens[last].end], frozenset(range(start, last + 1))
    for i, token in enumerate(tokens):
        if token.fold not in KOMMUN_SUFFIX or i == 0:
            continue
        before = tokens[i - 1]
        if not _not_a_place_word(before, topic_tokens, i - 1):
            return before.raw, frozenset({i - 1})
    # A message that is only a name or two ("Kiruna", "Nya Zeeland?", the argument of a command).
    if (
        len(tokens) <= NAME_WINDOW
        and all(t.capital for t in tokens)
        and not all(_not_a_place_word(t, topic_tokens, i) for i, t in enumerate(tokens))
        and not _not_a_place_word(tokens[-1], topic_tokens, len(tokens) - 1)
    ):
        return text[tokens[0].start : tokens[-1].end], frozenset(range(len(tokens)))
    return None, frozenset()


# --- Kind of question -----------------------------------------------------------------------


def _is_english(tokens: Sequence[Token]) -> bool:
    english = sum(1 for t in tokens if t.low in ENGLISH_MARKERS)
    swedish_words = sum(1 for t in tokens if t.low in SWEDISH_MARKERS)
    return english > swedish_words


def _has_pledge_word(tokens: Sequence[Token]) -> bool:
    return any(
        t.fold in PLEDGE_WORDS
        or t.fold.startswith(PLEDGE_PREFIXES)
        or (len(t.fold) > 6 and t.fold.endswith(PLEDGE_SUFFIXES))
        for t in tokens
    )


def _has_progress_word(tokens: Sequence[Token]) -> bool:
    return any(t.fold in PROGRESS_WORDS or t.fold.startswith(PROGRESS_PREFIXES) for t in tokens)


def _has_supine_after_have(tokens: Sequence[Token]) -> bool:
    for i, token in enumerate(tokens):
        if token.fold not in HAVE:
            continue
        for later in tokens[i + 1 : i + 4]:
            fold = later.fold
            if (
                len(fold) >= 4
                and fold.endswith(SUPINE_ENDINGS)
                and fold not in NOT_SUPINE
                and fold not in PLEDGE_WORDS
            ):
                return True
    return False


def _kind(tokens: Sequence[Token], names_only: bool) -> Kind:
    line = " " + " ".join(t.fold for t in tokens) + " "
    if any(r.search(line) for r in CHIT_CHAT_RES):
        return "none"
    strong = _has_progress_word(tokens) or any(r.search(line) for r in STRONG_PROGRESS_RES)
    if strong:
        return "progress"
    if _has_pledge_word(tokens) or any(r.search(line) for r in PLEDGE_RES):
        return "pledges"
    if any(t.fold in REQUEST_WORDS for t in tokens):
        return "none"
    if _has_supine_after_have(tokens) or any(r.search(line) for r in WEAK_PROGRESS_RES):
        return "progress"
    return "progress" if names_only else "none"


def _names_only(
    tokens: Sequence[Token], named: frozenset[int], responsible_tokens: frozenset[int]
) -> bool:
    """True when the message, or one of its sentences, only names a place or a topic
    ("trafiken i Haparanda?", "Tack. Och i Åsele?")."""
    content = False
    others = False
    for i, token in enumerate(tokens):
        if token.sentence_start and i > 0:
            if content and not others:
                return True
            content = others = False
        if i in named:
            content = True
        elif not (
            token.fold in FILLER
            or i in responsible_tokens
            or YEAR_RE.fullmatch(token.fold)
            or token.fold in KOMMUN_SUFFIX
        ):
            others = True
    return content and not others


# --- Reading a question ---------------------------------------------------------------------


_NONE = Question("none", None, None, None, (), None, False)


def read_question(
    text: str,
    municipalities: Sequence[str],
    topics: Sequence[Topic] = (),
    *,
    towns: Mapping[str, str] | None = None,
) -> Question:
    """Read a citizen's question; see the module's documentation for the rules. With
    ``towns`` (town → municipality), a town named leads to its municipality."""
    text = clean_question(text)
    tokens = swedish.tokenise(text, limit=MAX_WORDS)
    if not tokens:
        return _NONE
    if len(tokens) > MAX_WORDS:
        return Question("none", None, None, None, (), None, _is_english(tokens))
    english = _is_english(tokens)

    names = as_names(municipalities)
    index_of_names = name_index(names, as_towns(towns)) if names else None
    place = choose_place(find_places(tokens, index_of_names)) if index_of_names else None
    place_tokens = (
        frozenset(range(place.first, place.last + 1)) if place is not None else frozenset()
    )

    police, body = _responsible_words(tokens, place_tokens)
    party_words = police | body

    # Topic-looking words, known before the topics are (the kind must not depend on them).
    topic_ish = frozenset(
        i
        for i, t in enumerate(tokens)
        if i not in place_tokens
        and not t.digit
        and (
            (t.fold not in STOP and (is_topic_word(swedish.key(t.low)) or t.low in ENGLISH_WORDS))
            # a word of the field written with a hyphen ("brå-möten")
            or hyphened_field_word(tokens, i) is not None
            or (i + 1 < len(tokens) and hyphened_field_word(tokens, i + 1) is not None)
        )
    )

    unknown: str | None = None
    unknown_tokens: frozenset[int] = frozenset()
    if place is None:
        unknown, unknown_tokens = _unknown_place(text, tokens, english, topic_ish)

    # Topics.
    focus_area: str | None = None
    pledge_ids: tuple[int, ...] = ()
    topic_tokens: frozenset[int] = frozenset()
    missing_topic: str | None = None
    responsible = _responsible_of(police, body)
    try:
        topic_tuple = tuple(t for t in topics if isinstance(t, Topic))
    except TypeError:
        topic_tuple = ()
    if topic_tuple:
        index = topic_index(topic_tuple)
        words = question_words(tokens, place_tokens | unknown_tokens, police | body)
        reading = read_topics(index, words, responsible)
        focus_area, pledge_ids, topic_tokens = (
            reading.focus_area,
            reading.pledge_ids,
            reading.tokens,
        )
        # "synlig polis", "Mer tillgänglig polis": the police word belongs to the topic.
        if police & topic_tokens:
            police = police - topic_tokens
            responsible = _responsible_of(police, body)
        if reading.weak or not reading.pledge_ids:
            missing_topic = _missing_topic(text, tokens, topic_ish - unknown_tokens - party_words)

    names_only = _names_only(tokens, place_tokens | unknown_tokens | topic_ish, party_words)
    kind = _kind(tokens, names_only)
    return Question(
        kind=kind,
        municipality=None if place is None else place.name,
        unknown_place=unknown,
        focus_area=focus_area,
        pledge_ids=pledge_ids,
        responsible=responsible,
        english=english,
        town=None if place is None else place.town,
        missing_topic=missing_topic if kind != "none" else None,
    )


def _missing_topic(text: str, tokens: Sequence[Token], topical: frozenset[int]) -> str | None:
    """The words a question asks about, as written: the last run of topic-looking words, without
    a verb after "har" ("har ni besökt skolorna" → "skolorna")."""
    kept = sorted(
        i
        for i in topical
        if not (
            i > 0
            and any(t.fold in HAVE for t in tokens[max(0, i - 3) : i])
            and tokens[i].fold.endswith(SUPINE_ENDINGS)
        )
    )
    if not kept:
        return None
    last = first = kept[-1]
    while first - 1 in kept or (
        first - 2 in kept and tokens[first - 1].fold in ("och", "i", "med", "and", "of")
    ):
        first -= 1 if first - 1 in kept else 2
    return text[tokens[first].start : tokens[last].end][:60]


def _responsible_of(police: frozenset[int], body: frozenset[int]) -> Responsible | None:
    if police and not body:
        return "polisen"
    if body and not police:
        return "kommunen"
    return None
