"""Short names for pledges: from a heading, a quoted name, an acronym or the first sentence."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from bot.domain.pages.names.words import (
    ACRONYM_RE,
    ADJECTIVE_ENDINGS,
    ADVERBS,
    CO_ACTOR_RE,
    COMPOUND_PEOPLE,
    COMPOUNDABLE,
    COOPERATE_VERBS,
    DETERMINERS,
    FREQUENCY_PHRASE_RE,
    FUNCTION_WORDS,
    GENERIC_HEADS,
    GRADE_RE,
    KEY_ADJECTIVE_ENDINGS,
    KEY_ADJECTIVES,
    LEADING_SKIP,
    NP_STOPS,
    NUMBER_PHRASE_RE,
    PARTICLES,
    PEOPLE,
    PLACE_PREPOSITIONS,
    PREPOSITIONS,
    PRESENCE_VERBS,
    PRESENCE_WORDS,
    PROMISE_HEAD_RE,
    QUOTED_RE,
    SCHOOL_RE,
    SILENT_TOPIC_PREPOSITIONS,
    TOKEN_RE,
    TOPIC_PREPOSITIONS,
    VERBS,
    VISIT_VERBS,
    YEAR_RE,
)
from bot.domain.pages.parties import subject_of
from bot.domain.pages.targets import is_activity_noun, split_sentences
from bot.domain.swedish_numbers import find_numbers


def content_words(name: str) -> int:
    return sum(1 for w in name.split() if w.lower() not in FUNCTION_WORDS)


def _limit(words: Sequence[str], limit: int = 3) -> str:
    kept: list[str] = []
    count = 0
    for word in words:
        is_content = word.lower() not in FUNCTION_WORDS
        if is_content and count == limit:
            break
        kept.append(word)
        count += is_content
    while kept and kept[-1].lower() in FUNCTION_WORDS:
        kept.pop()
    return " ".join(kept)


def name_from_heading(heading: str) -> str:
    """A short name from a pledge's own heading."""
    cut = re.split(r"[,:;(]|\s[–—-]\s", heading, maxsplit=1)[0]
    words = [w.strip('.!?"”“') for w in cut.split()]
    return _limit([w.lower() for w in words if w])


def _is_adjective(word: str) -> bool:
    lower = word.lower()
    return lower in DETERMINERS or lower.endswith(ADJECTIVE_ENDINGS)


def _noun_phrase(tokens: Sequence[str], start: int) -> tuple[list[str], int]:
    """Tokens of the noun phrase starting at ``start`` and the index after it."""
    phrase: list[str] = []
    index = start
    while index < len(tokens):
        item = tokens[index]
        lower = item.lower()
        if (
            lower in PREPOSITIONS
            or lower in NP_STOPS
            or item in ",.:;!?()"
            or (phrase and lower in VERBS)
        ):
            if item == "," and index + 1 < len(tokens) and phrase:
                # "utbildningar, föreläsningar och …": a list goes on after a comma.
                following = tokens[index + 1].lower()
                if following not in PREPOSITIONS and following not in NP_STOPS:
                    phrase.append("och")
                    index += 1
                    continue
            break
        phrase.append(item)
        index += 1
    return phrase, index


def _parts(phrase: Sequence[str]) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for token in phrase:
        if token.lower() in ("och", "eller"):
            parts.append([])
        else:
            parts[-1].append(token)
    parts = [p for p in parts if p]
    merged: list[list[str]] = []
    carry: list[str] = []
    for part in parts:
        if all(_is_adjective(w) for w in part) and part is not parts[-1]:
            carry.extend(part)
            continue
        merged.append(carry + part)
        carry = []
    return merged


def _clean_part(part: Sequence[str]) -> tuple[str, list[str]] | None:
    """(head, adjectives) of one coordinated part, without determiners and genitives."""
    words = [w for w in part if w.lower() not in ("en", "ett", "de", "det", "den")]
    kept: list[str] = []
    for i, word in enumerate(words):
        is_last = i == len(words) - 1
        if not is_last and word.lower().endswith("s") and len(word) > 3:
            lower = word.lower()
            if word[0].isupper() or lower.endswith(("ens", "ars", "ers", "ns", "kommuns")):
                continue  # genitive: "Härnösands kommuns invånardialoger"
        kept.append(word)
    if not kept:
        return None
    head = kept[-1].split("/")[0].strip("-")
    if not head:
        return None
    return head, kept[:-1]


def _pick_part(phrase: Sequence[str]) -> tuple[str, list[str]] | None:
    cleaned = [c for c in (_clean_part(p) for p in _parts(phrase)) if c is not None]
    if not cleaned:
        return None
    for head, adjectives in cleaned:
        if head.lower() not in GENERIC_HEADS:
            if cleaned[0][0].lower() in GENERIC_HEADS:
                return head, adjectives
            break
    return cleaned[0]


def _topic(tokens: Sequence[str], start: int, *, anywhere: bool) -> str | None:
    """A topic phrase ("mot droger", "trafik") at ``start`` or, if ``anywhere``, later."""
    index = start
    while index < len(tokens):
        word = tokens[index].lower()
        if word in ".;:!?":
            return None
        if word in TOPIC_PREPOSITIONS or (
            word == "vad" and index + 1 < len(tokens) and tokens[index + 1].lower() == "gäller"
        ):
            skip = 2 if word == "vad" else 1
            phrase, _ = _noun_phrase(tokens, index + skip)
            picked = _pick_part(phrase)
            if picked is not None and picked[0].lower() not in ("att",):
                head, adjectives = picked
                words = [*[a for a in adjectives if a.lower() not in DETERMINERS][-1:], head]
                words = [w.lower() for w in words]
                if word in SILENT_TOPIC_PREPOSITIONS or word == "vad":
                    return " ".join(words)
                return " ".join([word, *words])
        if not anywhere:
            return None
        index += 1
    return None


def _place(tokens: Sequence[str], start: int) -> str | None:
    if start < len(tokens) and tokens[start].lower() in PLACE_PREPOSITIONS:
        phrase, _ = _noun_phrase(tokens, start + 1)
        picked = _pick_part(phrase)
        if picked is not None:
            return f"{tokens[start].lower()} {picked[0].lower()}"
    return None


def _strip_for_naming(sentence: str) -> str:
    subject, consumed = subject_of(sentence)
    if subject is not None:
        sentence = " ".join(sentence.split()[consumed:])
    sentence = re.sub(r"[\"”“«»]", "", sentence)
    sentence = PROMISE_HEAD_RE.sub("", sentence, count=1)
    sentence = re.sub(r"\bom\s+möjligt\b,?", " ", sentence, flags=re.IGNORECASE)
    sentence = re.sub(r"\bse[rs]?\s+till\s+att\b", " ", sentence, flags=re.IGNORECASE)
    sentence = CO_ACTOR_RE.sub(" ", sentence)
    sentence = re.sub(r"\(\s*\d+\s*\)", " ", sentence)
    sentence = NUMBER_PHRASE_RE.sub(" ", sentence)
    for number in reversed(find_numbers(sentence)):
        if not number.article:
            start = number.end - len(number.text)
            sentence = sentence[:start] + " " + sentence[number.end :]
    sentence = re.sub(r"\(\s*\d+\s*\)", " ", sentence)
    sentence = re.sub(r"\b(?:minst|åtminstone|som\s+minst)\b", " ", sentence, flags=re.I)
    sentence = FREQUENCY_PHRASE_RE.sub(" ", sentence)
    sentence = YEAR_RE.sub(" ", sentence)
    return re.sub(r"\s+", " ", sentence).strip()


def _grade_suffix(text: str) -> str:
    grade = GRADE_RE.search(text)
    if grade is None:
        return ""
    return " åk " + re.sub(r"\s+", "", grade.group(1))


# Words that a short name must not consist of alone: they read as ordinary words ("sig" as the
# pronoun, not the acronym SIG) and would match ordinary messages.
NOT_NAMES = frozenset(
    {
        *FUNCTION_WORDS,
        *PREPOSITIONS,
        *("sig", "mig", "dig", "oss", "er", "dem", "att", "men", "eller", "så", "nu", "här"),
        *("där", "när", "hur", "vad", "var", "vi", "ni", "han", "hon", "man", "jag", "du"),
        *("sin", "sitt", "sina", "är", "har", "kan", "ska", "bli", "blir", "inte", "ej", "ju"),
        *("nog", "mer", "över", "också", "även", "ut", "upp", "in", "bra", "löfte", "löften"),
    }
)
# An acronym as written in running text: "ANDT", "SFI", "BRÅ", "E45", "RV84".
_ACRONYM_WORD_RE = re.compile(
    r"(?<![\wåäöÅÄÖ])(?:[A-ZÅÄÖ]{2,6}|[A-ZÅÄÖ]{1,3}\d{1,4})(?![\wåäöÅÄÖ])"
)
_PIECE_RE = re.compile(r"[\wåäöÅÄÖéü]+")


def is_not_a_name(name: str) -> bool:
    """True when a short name is only function words ("sig", "och", "för det")."""
    words = [w.lower() for w in _PIECE_RE.findall(name)]
    return not words or all(w in NOT_NAMES for w in words)


def _mostly_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > len(letters) / 2


def with_acronyms(name: str, *sources: str | None) -> str:
    """ "information om andt på sfi" -> "information om ANDT på SFI": the words of `name` that
    the sources write as acronyms get their capitals back. Text written in capitals throughout
    (a shouted heading) says nothing about acronyms and is not used."""
    acronyms = {
        match.group(0).lower(): match.group(0)
        for source in sources
        if source and not _mostly_capitals(source)
        for match in _ACRONYM_WORD_RE.finditer(source)
    }
    if not acronyms:
        return name
    return _PIECE_RE.sub(lambda m: acronyms.get(m.group(0).lower(), m.group(0)), name)


def hidden_characters(name: str) -> list[str]:
    """The invisible format characters in a name (zero-width spaces and joiners, direction
    marks and overrides, the byte order mark: Unicode category Cf), as "U+200B", each once.
    Such a name looks like another one and cannot be typed back."""
    return [f"U+{ord(c):04X}" for c in dict.fromkeys(name) if unicodedata.category(c) == "Cf"]


def without_hidden_characters(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def tidy_short_name(name: str) -> str:
    """A short name given by a person or a catalogue, in the form the bot keeps: spaces tidied,
    lower case except acronyms ("ANDT-utbildning", "E45", "SIG") and one-letter-and-digits
    codes, which keep their capitals."""
    words = " ".join(name.split())
    return _PIECE_RE.sub(
        lambda m: m.group(0) if _ACRONYM_WORD_RE.fullmatch(m.group(0)) else m.group(0).lower(),
        words,
    )


def _named_for_people(
    derive: Callable[[str, str | None], str],
) -> Callable[[str, str | None], str]:
    """Acronyms keep their capitals, and a name that is only function words ("sig" from a
    heading "SIG") is derived again from the text, else from its first content words."""

    @functools.wraps(derive)
    def named(text: str, heading: str | None = None) -> str:
        text = without_hidden_characters(text)
        heading = without_hidden_characters(heading) if heading else heading
        name = with_acronyms(derive(text, heading), heading, text)
        if is_not_a_name(name) and heading:
            name = with_acronyms(derive(text, None), text)
        if is_not_a_name(name):
            words = [w for w in _PIECE_RE.findall(text) if w.lower() not in NOT_NAMES]
            name = with_acronyms(_limit([w.lower() for w in words[:3]]), text) or "löfte"
        return name

    return named


@_named_for_people
def derive_short_name(text: str, heading: str | None = None) -> str:
    """A short, typeable name for a pledge (see the module rules)."""
    if heading:
        from_heading = name_from_heading(heading)
        if from_heading:
            return from_heading
    sentences = split_sentences(text)
    first = sentences[0] if sentences else text
    quoted = next((q for q in QUOTED_RE.findall(first) if any(c.isupper() for c in q)), None)
    if quoted:
        return _limit(quoted.lower().split()) + _grade_suffix(first)
    acronym = ACRONYM_RE.search(first)
    if acronym:
        words = acronym.group(1).split()
        while words and (words[0].lower() in PREPOSITIONS or words[0].lower() in VERBS):
            words = words[1:]
        for i in range(len(words) - 1, -1, -1):
            if words[i].lower() in PREPOSITIONS or words[i].lower() in VERBS:
                words = words[i + 1 :]
                break
        if words:
            return _limit([w.lower() for w in words])
    clause = _strip_for_naming(first)
    name = _name_from_clause(clause, first)
    if name:
        return name
    fallback = [
        w
        for w in re.findall(r"[\wåäöÅÄÖ-]+", clause or first)
        if w.lower() not in FUNCTION_WORDS and w.lower() not in LEADING_SKIP
    ]
    return _limit([w.lower() for w in fallback[:3]]) or "löfte"


def _looks_like_verb(tokens: Sequence[str], index: int, *, after_att: bool) -> bool:
    """Is ``tokens[index]`` a verb? Known verbs; or an infinitive ("-a") after "att" or before
    a preposition, article or adverb ("Fotpatrullera på torget")."""
    word = tokens[index].lower()
    if word in VERBS:
        return True
    if not word.endswith("a") or len(word) < 4:
        return False
    if after_att:
        return True
    following = tokens[index + 1].lower() if index + 1 < len(tokens) else ""
    return following in PREPOSITIONS or following in DETERMINERS or following in ADVERBS


def _nominal(verb: str) -> str | None:
    """ "fotpatrullera" -> "fotpatrullering" for verbs the name rules do not know."""
    if verb in VERBS:
        return None
    if verb.endswith("era"):
        return verb[:-1] + "ing"
    return None


def _name_from_clause(clause: str, original: str) -> str | None:
    tokens = TOKEN_RE.findall(clause)
    index = 0
    after_att = False
    while index < len(tokens) and tokens[index].lower() in LEADING_SKIP:
        after_att = tokens[index].lower() in ("att", "ska", "skall")
        index += 1
    verb: str | None = None
    if index < len(tokens) and _looks_like_verb(tokens, index, after_att=after_att):
        verb = tokens[index].lower()
        index += 1
        while index < len(tokens) and tokens[index].lower() in LEADING_SKIP:
            index += 1
        if index < len(tokens) and tokens[index].lower() in ("att",):
            index += 1
        # "fortsätta att prioritera att samverka": the last verb counts.
        while index < len(tokens) and tokens[index].lower() in VERBS:
            verb = tokens[index].lower()
            index += 1
            if index < len(tokens) and tokens[index].lower() == "att":
                index += 1
        while index < len(tokens) and tokens[index].lower() in ADVERBS:
            following = tokens[index + 1].lower() if index + 1 < len(tokens) else ""
            particle = tokens[index].lower() in PARTICLES
            if not particle and following and following not in PREPOSITIONS | ADVERBS:
                break  # "trygghetsskapande insatser": an adjective, not an adverb
            index += 1
    if (
        verb is not None
        and _nominal(verb)
        and (index >= len(tokens) or tokens[index].lower() in PREPOSITIONS)
    ):
        return _nominal(verb)
    if verb in PRESENCE_VERBS:
        while index < len(tokens) and tokens[index].lower() in PRESENCE_WORDS:
            index += 1
        if (
            tokens[index : index + 2] == ["på", "plats"]
            and index + 2 < len(tokens)
            and tokens[index + 2].lower() in ("vid", "i", "på", "under")
        ):
            index += 2
        if index < len(tokens) and tokens[index].lower() in ("på", "i", "vid"):
            phrase, _ = _noun_phrase(tokens, index + 1)
            words = [w.lower() for w in phrase if w.lower() not in ("de", "den", "det")]
            if words:
                return _limit(["närvaro", tokens[index].lower(), *words])
    if verb in COOPERATE_VERBS:
        if index < len(tokens) and tokens[index].lower() in PREPOSITIONS:
            phrase, _ = _noun_phrase(tokens, index + 1)
            picked = _pick_part(phrase)
            if picked:
                return f"samverkan {tokens[index].lower()} {picked[0].lower()}"
        return "samverkan"
    if index < len(tokens) and tokens[index].lower() in PREPOSITIONS:
        index += 1
    phrase, after = _noun_phrase(tokens, index)
    picked = _pick_part(phrase)
    if picked is None:
        return None
    head, adjectives = picked
    head_lower = head.lower()
    if head_lower in PEOPLE:
        # "erbjuda boende i Norrby en trafikträff": the people are not what is promised.
        for later in range(after, len(tokens)):
            if is_activity_noun(tokens[later]):
                head, adjectives, after = tokens[later], [], later + 1
                head_lower = head.lower()
                break
    if verb in VISIT_VERBS and head_lower in ("årskurs", "åk", "klass"):
        return "besök" + _grade_suffix(original)
    if verb in VISIT_VERBS or (head_lower == "besök" and after < len(tokens)):
        visited = head if verb in VISIT_VERBS else None
        if visited is None and tokens[after].lower() in ("på", "i", "hos", "vid"):
            place_phrase, _ = _noun_phrase(tokens, after + 1)
            place = _pick_part(place_phrase)
            visited = place[0] if place else None
        if visited is not None:
            if SCHOOL_RE.search(visited):
                return "skolbesök"
            if visited.lower() != "besök":
                return f"besök {visited.lower()}"
    if head_lower in COMPOUNDABLE and after + 1 < len(tokens) and tokens[after] == "med":
        stem = COMPOUND_PEOPLE.get(tokens[after + 1].lower())
        if stem:
            return stem + ("möten" if head_lower.startswith("möte") else head_lower)
    key_adjective = next(
        (
            a.lower()
            for a in reversed(adjectives)
            if a.lower().endswith(KEY_ADJECTIVE_ENDINGS) or a.lower() in KEY_ADJECTIVES
        ),
        None,
    )
    base = [key_adjective, head_lower] if key_adjective else [head_lower]
    topic = _topic(tokens, after, anywhere=False)
    if (
        topic is None
        and head_lower.endswith(("ning", "ande", "bruk"))
        and after + 1 < len(tokens)
        and tokens[after].lower() == "av"
    ):
        of_phrase, _ = _noun_phrase(tokens, after + 1)
        of_part = _pick_part(of_phrase)
        if of_part is not None:
            topic = f"av {of_part[0].lower()}"
    if head_lower not in GENERIC_HEADS:
        return _limit([*base, *(topic.split() if topic else [])])
    topic = topic or _topic(tokens, after, anywhere=True)
    if topic:
        return _limit([*base, *topic.split()])
    plain = [a.lower() for a in adjectives if a.lower() not in DETERMINERS]
    if plain and not key_adjective:
        return _limit([plain[-1], head_lower])
    if key_adjective:
        return " ".join(base)
    where = _place(tokens, after)
    if where:
        return _limit([head_lower, *where.split()])
    if verb and verb not in ("arbeta", "arbetar", "jobba", "jobbar", "verka", "verkar"):
        return _limit([verb, head_lower])
    return head_lower


def unique_names(names: Iterable[str], texts: Sequence[str]) -> list[str]:
    """Make names unique within a page: add a word from the text, else a number."""
    result: list[str] = []
    seen: set[str] = set()
    for name, text in zip(names, texts, strict=True):
        candidate = name
        if candidate in seen:
            words = [
                w.lower()
                for w in re.findall(r"[\wåäöÅÄÖ-]{4,}", text)
                if w.lower() not in name.split() and w.lower() not in FUNCTION_WORDS
            ]
            skip = {"polisen", "kommunen", "lovar", "kommun", "genomföra", "genomför"}
            extra = next(
                (w for w in words if w not in skip and f"{name} {w}" not in seen),
                None,
            )
            candidate = f"{name} {extra}" if extra else name
            number = 2
            while candidate in seen:
                candidate = f"{name} {number}"
                number += 1
        seen.add(candidate)
        result.append(candidate)
    return result
