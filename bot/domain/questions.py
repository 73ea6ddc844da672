"""Understanding a citizen's question about the promises ("hur går det i Åsele?").

Citizens write to the bot in ordinary Swedish, sometimes in English: "hur går det?", "hur går
det med trafiken i Härjedalen", "vad har polisen lovat i Haparanda", "har ni besökt skolorna?",
"how is it going in Asele", "läget i haparanda?", "asele". ``read_question`` works out

* the kind of question: ``"progress"`` (how is it going), ``"pledges"`` (what was promised) or
  ``"none"`` (a greeting, thanks, nonsense, a request to do something else, a long text);
* the municipality, from a list of known names, and otherwise a word that looks like the name
  of a place we do not know (``unknown_place``, "hur går det i Narnia" → "Narnia");
* the topic: a whole focus area, or particular pledges, when ``topics`` are given;
* a responsible party filter: "vad har polisen lovat" → "polisen", "vad gör kommunen" →
  "kommunen";
* whether the question was written in English.

Pure functions, no I/O. The caller reads a question twice: first with the names only, to find
the municipality, then with that municipality's topics, to find what the question is about.
The kind, the municipality and the unknown place do not depend on the topics, so the two
readings agree on them.

How names are recognised: words are lower-cased and folded (å/ä → a, ö → o); a name matches as
written together or apart ("Upplands Väsby", "upplandsväsby", "Malung Sälen"), with a genitive
"s" ("Härnösands") and a "kommun(s)" after it, or with one typing error when it has at least six
letters and the first letter is right ("Haparnda"). A typo close to two names matches neither.
A name that is also an everyday word ("Vara", "Mark", "Åre" as "are", "Boden") counts only when
capitalised inside a sentence, followed by "kommun", alone, or last after "i"/"för"/"in". The
one distinctive word of a two-word name also counts when no other name shares it ("Väsby").
A five-letter name with its last letter left out counts with the same signs of a place ("Åsel").
Two names that fold alike ("Håbo", "Habo") are told apart by the letters as written.

Towns: with ``towns`` (town → municipality, e.g. ``bot.domain.towns.TOWNS``), a town leads to its
municipality and is kept in ``Question.town`` ("Sveg" → Härjedalen). A municipality's own name
wins over a town's; towns of at most five letters, and a few that are words ("Backa"), need a
sign of a place like everyday names; longer towns allow one typing error.

How topics are recognised: the words of the question that are not question words, municipality
words or responsible words are stemmed as in ``bot.domain.swedish`` and compared with the
words of each pledge's short name and synonyms (and, weakly, its text) and with the words of the
focus area names: the same stem, the first part of a compound ("trafiken" → "trafikkontroller",
"skolorna" → "skolbesök"), its head ("kontroller" → "trafikkontroll", weaker), a compound in the
question ("trafikolyckor" → "trafik") or one typing error. A few related words stand in for each
other ("knark", "narkotika", "droger"; "unga", "ungdomar"), and common English topic words are
translated ("traffic" → "trafik"). When the best focus area matches at least as well as the best
pledge, the question is about that area; otherwise about the matching pledges, best first. A
responsible filter keeps the pledges of that party (or of both) when any of them match. A word
of a pledge's full text counts only when no short name, synonym or area name matched, and only
for topic-looking words ("centrum", not "vuxna").

The field's lexicon (``bot.domain.lexicon``) adds, to each pledge, the words people use for the
activity its own words name ("fartkontroll", "speed check" for a pledge about
"hastighetskontroll"), and the words of every narrower kind of it (a pledge about traffic
controls is met by "nykterhetskontroll"; one about speed checks is not met by "trafikkontroll").
They weigh less than the pledge's own words, a narrower kind's less again, and match only as
the same word, a typo or a compound ending in them ("droger" is not the start of
"drograttfylleri"); a phrase of the lexicon counts only whole. A lexicon word that is another
pledge's own word is left to that pledge; one that several pledges of the municipality get
names them all equally, so the caller offers them all. A word of the field is not matched by a
part it shares with another word ("grannsamverkan" is not "samverkan", "trygghetsvandring" not
"trygghet"), nor the words of a phrase of the field ("speed checks": "checks" is no
"drogkontroll"); and a field word or one written with a hyphen ("brå-möten") looks like a topic
before the topics are known, so "fartkontroll i Sveg?" reads as a question. A pledge whose
synonyms name a general concept beside some of its kinds, while its short name does not name the
general one ("droger i trafiken": "trafikinsats", "drograttfylleri"), is about those kinds: it
gets the general concept's own words, not every other kind's ("lastbilskontroller").

A question about topic-looking words that no pledge's name, synonym or area matches gets those
words in ``missing_topic`` ("har ni besökt skolorna?" where no pledge is about schools), so that
the caller can say so instead of showing a pledge found only through its text.

Limits: a message of more than 40 words is not read ("none"). The kind never depends on the
topics: a message that only names a pledge by a word outside the built-in topic vocabulary
("hvb?" and the lexicon's "nyhetsbrev?" are in it, "bokcirkel?" is not) reads as "none"
in both readings.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

from bot.domain import swedish
from bot.domain.lexicon import CONCEPTS, concept, narrower, terms_for
from bot.domain.report_reading.vocabulary import GENERIC_KEYS, SMALL_WORDS
from bot.domain.swedish import FOLD, Token

__all__ = [
    "Kind",
    "Question",
    "Responsible",
    "Topic",
    "find_municipality",
    "read_question",
]

Responsible = Literal["polisen", "kommunen"]
Kind = Literal["progress", "pledges", "none"]


# --- Public data ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Topic:
    """One pledge, as a citizen might name it."""

    pledge_id: int
    short_name: str
    synonyms: tuple[str, ...] = ()
    focus_area: str | None = None  # the focus area's name, e.g. "Trafiksäkerhet"
    responsible: str = "båda"  # "polisen" | "kommunen" | "båda"
    text: str = ""  # the pledge's full text (may be long)


@dataclass(frozen=True, slots=True)
class Question:
    """What a citizen's message asks.

    ``kind``: "progress" (how is it going), "pledges" (what was promised) or "none" (not a
    question we can read). ``municipality``: the canonical name from the list, when one is named.
    ``unknown_place``: words that look like the name of a municipality we do not know, as
    written (only when ``municipality`` is None). ``focus_area``: set when the question is about
    a whole focus area; ``pledge_ids`` then holds that area's pledges. ``pledge_ids``: the
    pledges asked about, best first (empty: all of the municipality's). ``responsible``: the
    party the question asks about. ``english``: the question was written in English.
    ``town``: the town or locality the question named, when ``municipality`` was found through
    it ("Sveg" → Härjedalen). ``missing_topic``: with topics, the words of a question about a
    topic that no pledge's name, synonym or focus area matches ("skolorna" where no pledge is
    about schools); ``pledge_ids`` then holds at most weak matches from the pledges' texts.
    """

    kind: Kind
    municipality: str | None
    unknown_place: str | None
    focus_area: str | None
    pledge_ids: tuple[int, ...]
    responsible: Responsible | None
    english: bool
    town: str | None = None
    missing_topic: str | None = None


# --- Tuning ---------------------------------------------------------------------------------

# A longer message is not a question we read: at most this many characters and words.
_MAX_WORDS = 40

# Names: one typing error, on names of at least this many letters.
_NAME_TYPO_MIN = 6
_NAME_WINDOW = 3  # the most words a name is written in

# Topic word matches (the factor of one question word against one term word).
_F_SAME = 1.0
_F_TYPO = 0.85
_F_COMPOUND_IN_QUESTION = 0.85  # "vägtrafikkontroll" for "trafikkontroll"
_F_FIRST_PART = 0.8  # "trafiken" for "trafikkontroller"
_F_QUESTION_FIRST_PART = 0.8  # "trafikolyckor" for "trafik"
_F_HEAD = 0.6  # "kontroller" for "trafikkontroll"
_F_RELATED = 0.9  # "knark" for "narkotika"
_F_TEXT = 0.45  # a word of the pledge's full text

_W_SHORT_NAME = 1.0
_W_SYNONYM = 0.9
_W_AREA = 1.0
_W_LEXICON = 0.8  # a word of the field's lexicon for what the pledge's own words name
_W_LEXICON_NARROWER = 0.75  # … for a narrower kind of it (a speed check for traffic controls)
_MULTI_BASE = 0.55  # a multi-word term: 0.55 + 0.45 × the share of its words named
_EXTRA_WORD_BONUS = 0.1  # another question word naming the same pledge

_PLEDGE_MIN = 0.5
_PLEDGE_WINDOW = 0.25  # pledges this close to the best are named too
_AREA_MIN = 0.75
_EPSILON = 1e-9

_MEMO_MAX = 4096
_FROZEN_MAX = 8


# --- Words ----------------------------------------------------------------------------------


# Words that make a question "what was promised".
_PLEDGE_WORDS = swedish.folds(
    """
    lovat lovar lovade lova lovats lovas utlovat utlovade utlovats löfte löften löftena löftet
    löftes löftenas åtagande åtaganden åtagandena promise promised promises pledge pledged
    pledges commitment commitments
    """
)
_PLEDGE_PREFIXES = ("medborgarlofte", "atagande", "fokusomrade")
_PLEDGE_SUFFIXES = ("lofte", "loften", "loftena", "loftet")

# Words that make a question "how is it going", whatever else it says.
_PROGRESS_WORDS = swedish.folds(
    """
    läget läge lägen status statusen framsteg hållit håller hållits uppfyllt uppfyller
    uppfylla uppfyllda uppfyllts infriat infriar infria infriade infriats klarat klarar klarade
    hunnit progress update updates result results kept keep keeping fulfil fulfill fulfilled
    fulfilling delivered achieved
    """
)
_PROGRESS_PREFIXES = (
    "lagesrapport",
    "lagesbild",
    "uppfoljning",
    "resultat",
    "redovisning",
    "uppdatering",
    "framsteg",
    "progress",
)

_STRONG_PROGRESS_RES = (
    re.compile(r" hur (?:det )?(?:gar|gick|har (?:\w+ )?gatt|ska det ga)(?! det(?: till)? att )"),
    re.compile(r" hur g[a-z]{0,2} det(?! (?:till )?att )"),  # "hur gåt det", "hur gr det"
    re.compile(r" hur (?:funkar|fungerar|flyter) "),
    re.compile(r" hur ligger (?:\w+ ){1,4}till "),
    re.compile(r" hur langt (?:har|ar|kommer|kom) "),
    re.compile(r" hur (?:ser|sag) (?:\w+ ){1,3}ut "),
    re.compile(r" hur (?:manga|mycket|ofta) "),
    re.compile(r" (?:vad|har det|har nagot) (?:har )?(?:hant|hander) "),
    re.compile(r" hant nagot | nagot nytt "),
    re.compile(
        r" how(?: s| is| are| has| have| did| do| does)? (?:\w+ ){0,5}?"
        r"(?:going|gone|goes|go|doing|progressing|coming along|getting on) "
    ),
    re.compile(r" how are things | how far | how many | how much | how often | on track "),
    re.compile(r"^ how (?:is|are) (?:\w+ ){1,3}(?:in|at|with) "),
    re.compile(r" what(?: s| is| has| have)? (?:been )?happen"),
    re.compile(r" follow up | followup "),
    re.compile(r" (?:folj|foljer|foljt|foljde|folja) (?:\w+ ){0,2}upp "),
)
_PLEDGE_RES = (
    re.compile(r" vad (?:ska|skall|tanker|kommer) (?:\w+ ){0,3}(?:gora|jobba|arbeta) "),
    re.compile(r" what will (?:\w+ ){0,3}do "),
)
_WEAK_PROGRESS_RES = (
    re.compile(
        r" (?:vad|hur) (?:gor|gjorde|jobbar|arbetar) (?:ni|polisen|kommunen|man|de|dom|poliserna"
        r"|kommunens|polisens|\w+ kommun|\w+ polis|\w+ kommuns|er|era|i|for|med|at|mot|nu|sa) "
    ),
    re.compile(r"^ (?:gor|gjorde|blir|blev) (?:ni|polisen|kommunen|man|det|de|dom|poliserna) "),
    re.compile(r"^ (?:fick|hann|lyckades|klarade) (?:ni|polisen|kommunen|man|de|dom|det) "),
    re.compile(
        r"^ (?:have|has|had|did|do|does|are|is) (?:you|they|the|police|we|anything|something) "
    ),
    re.compile(
        r" vad (?:ni|polisen|kommunen|man|de|dom|poliserna) (?:har )?"
        r"(?:gor|gjort|gjorde|jobbar|arbetar) "
    ),
    re.compile(r" what (?:have|has|did) (?:\w+ ){0,3}(?:done|do|achieved) "),
    re.compile(r" what (?:is|are) (?:\w+ ){0,3}doing "),
)
# "har ni besökt", "har polisen gjort": a supine after "har" (two words in between at most).
_HAVE = swedish.folds("har hade")
_SUPINE_ENDINGS = ("at", "it", "tt", "rt", "kt", "lt", "nt", "st", "ft", "pt", "ts")
_NOT_SUPINE = swedish.folds(
    "det allt inget något mycket litet lovat natt just sett rätt fått nyligen inte sagt alltid"
)

# Chit-chat that is not about the promises.
_CHIT_CHAT_RES = (
    re.compile(r"^ (?:how are you|what are you)(?: doing)?(?: today)? $"),
    re.compile(r" hur mar (?:du|ni) "),
    re.compile(r" hur (?:gar|ar) det (?:med|for) dig "),
)

# A request to do something else: never a question we read, unless it clearly asks one.
_REQUEST_WORDS = swedish.folds(
    """
    anmäla anmälan anmäl prenumerera prenumeration avsluta avprenumerera sluta stopp stoppa
    ringa ring kontakta skicka radera glöm synpunkt synpunkter klaga klagomål subscribe
    unsubscribe stop call contact send delete forget complain hjälp help
    """
)

_POLICE_WORDS = swedish.folds("polisen polis poliser poliserna polisens polisernas police cops")
_MUNICIPALITY_BODY_WORDS = swedish.folds("kommunen kommunens municipality council")
_KOMMUN_SUFFIX = swedish.folds("kommun kommuns")
_PLACE_PREPOSITIONS_SV = swedish.folds("i för inom")
_PLACE_PREPOSITIONS_EN = swedish.folds("in for")
_BODY_PLACE_PREPOSITIONS = swedish.folds("i in inom within")

# Words that may stand beside a name or a topic in a message that only names them.
_FILLER = swedish.folds(
    """
    i för med om och kommun kommuns det den då nu in the of about what and then at on hos inom
    just igen än hur är e vad säger sägs gäller angående beträffande nytt nya nyheter
    berätta visa kan du ni jag vill veta undrar gärna lite mer info tell show me more
    på any some
    """
)

# Words never taken as a topic (or as an unknown place): question words, small words, time.
_STOP = (
    _FILLER
    | swedish.folds(
        """
        hur vad vilka vilken vilket när var varför går gick gått gå det den de dom med har hade
        ha ni er era ert man vi jag du dig mig oss polisen polis poliser poliserna polisens
        kommunen kommun kommuns kommunens lovat lovar lovade lova gjort gör göra gjorde läget
        läge status statusen i för om till på och att är blir blev bli hänt händer ske skett
        något några någon mycket många bra dåligt nu hittills år året idag igår tack hej
        resultat resultaten resultatet uppföljning framsteg ligger långt kommit klarat hållit
        uppfyllt infriat så som kan ska skall vill finns fanns alla allt mer fler mest ju väl
        inte ej ingen inga snälla berätta visa se veta undrar fråga frågar löfte löften löftena
        löftet medborgarlöfte medborgarlöften medborgarlöftena medborgarlöftet lovats också
        ska kommer tänker gäller sen sedan redan än ännu egentligen överhuvudtaget typ lite
        how is it its going goes go gone the in what did does do which promise promised
        promises pledge pledges police municipality council with about are things have has
        been done you your they their of progress update updates results any there doing far
        many much and to for kept keep made on track hello hi thanks thank please tell me a an
        so this that year now was were be we our can could will would goes went happened
        happening lately recently commitments local town city s whats hows i my
        ok okej okay oki japp jaha jaså aha nej ja jo yes no yeah nope tjena tja hejsan lol
        toppen great super fint perfekt hallå hallo vadå hmm mm skönt kul wow grymt tackar
        varsågod förlåt sorry why who when where hey yo
        """
    )
    | SMALL_WORDS
)

# Words used in questions that must never be taken for a municipality with a typing error.
_NOT_A_NAME = _STOP | swedish.folds(
    """
    trafiken skolorna skolan vinden klippan tranan totala moraliska ungdomarna narkotikan
    droger drogerna föräldrar integrationen samverkan samarbetet tryggheten våldet
    """
)

# Municipality names that are also everyday words: they need a sign that a place is meant.
_EVERYDAY_NAMES = swedish.folds(
    "vara mark åre berg boden ånge malå ale lund kinda mora kil salem klippan nora sala"
)
# Words of two-word names that do not name the municipality on their own.
_GENERIC_NAME_WORDS = swedish.folds(
    "östra västra norra södra lilla stora övre nedre upplands dals salen"
)

# Topic-looking words, to read "trafiken i Haparanda" as a question before the topics are
# known and never to take "skolorna" for an unknown place. Keys, compared as prefixes.
_TOPIC_STEMS = swedish.keys(
    """
    trafik skola drog narkotika knark ungdom unga barn elev förälder föräldrar trygghet
    säkerhet våld brott inbrott klotter skadegörelse integration nyanlända samverkan
    samarbete evenemang moped epa bil buskörning fortkörning hastighet nykterhet
    rattfylleri alkohol tobak rökning andt lektion besök kontroll insats dialog
    information fritidsgård centrum natt helg fest langning synlig närvaro landsbygd
    ytterområde ort relation kvinnofrid hot otrygghet polisnärvaro cykel fordon
    skoter vägar väg tips enkät utbildning möte träff sociala medier valborg cyklar
    midsommar nyår storhelg hvb sfi vnr pss torg krog traffic school schools drugs drug youth
    young violence
    safety crime events mopeds tobacco smoking parents speeding
    """
)
_LONG_TOPIC_STEMS = tuple(sorted(s for s in _TOPIC_STEMS if len(s) >= 4))

# Related words: the key of a question word → keys it also stands for.
_RELATED_WORDS: dict[str, tuple[str, ...]] = {
    "knark": ("narkotika", "drog"),
    "narkotika": ("drog",),
    "droger": ("narkotika",),
    "drog": ("narkotika",),
    "unga": ("ungdom",),
    "ung": ("ungdom",),
    "tonåringar": ("ungdom",),
    "fortkörning": ("hastighet",),
    "fart": ("hastighet",),
    "rattfylleri": ("nykterhetskontroll", "rattonykterhet"),
    "samarbete": ("samverkan",),
    "samverkan": ("samarbete",),
    "skolor": ("skola",),
    "alkohol": ("andt", "nykterhet"),
    "föräldrar": ("föräldramöte", "föräldraträff"),
    "mopeder": ("moped",),
    "polisnärvaro": ("synlig", "närvaro"),
    "bilar": ("trafik",),
    "vägarna": ("trafik",),
    "sfi": ("integration",),
    "invandrare": ("integration", "nyanlända"),
}
# English topic words → Swedish words.
_ENGLISH_WORDS: dict[str, tuple[str, ...]] = {
    "traffic": ("trafik",),
    "road": ("trafik",),
    "roads": ("trafik",),
    "speeding": ("hastighet", "trafik"),
    "speed": ("hastighet",),
    "school": ("skola",),
    "schools": ("skola",),
    "drug": ("drog", "narkotika"),
    "drugs": ("drog", "narkotika"),
    "narcotics": ("narkotika", "drog"),
    "youth": ("ungdom",),
    "young": ("ungdom",),
    "teenagers": ("ungdom",),
    "kids": ("ungdom",),
    "parents": ("föräldrar", "föräldramöte", "föräldraträff"),
    "violence": ("våld",),
    "integration": ("integration",),
    "immigrants": ("integration", "nyanlända"),
    "cooperation": ("samverkan",),
    "collaboration": ("samverkan",),
    "events": ("evenemang",),
    "event": ("evenemang",),
    "visible": ("synlig",),
    "presence": ("närvaro", "synlig"),
    "mopeds": ("moped",),
    "moped": ("moped",),
    "tobacco": ("tobak",),
    "smoking": ("rökning", "rökfri"),
    "safety": ("trygghet", "säkerhet"),
    "security": ("trygghet",),
    "rural": ("landsbygd",),
    "countryside": ("landsbygd",),
    "villages": ("ytterområde",),
    "dialogue": ("dialog",),
    "survey": ("enkät",),
    "checks": ("kontroll",),
    "controls": ("kontroll",),
    "visits": ("besök",),
    "visit": ("besök",),
    "visited": ("besök",),
    "parties": ("fest",),
    "alcohol": ("alkohol", "andt"),
    "lessons": ("lektion",),
    "teachers": ("lärare", "personal"),
}

# Words of focus area names that do not name the area on their own.
_AREA_IGNORE = swedish.folds("fokus mer ökad ökat bättre arbete arbetet område")

# Words of questions that are not English, and words that are (as written, lower-cased).
_ENGLISH_MARKERS = swedish.lowers(
    """
    how what which is it its going goes the did does do promise promised promises pledge
    pledges police municipality council with about are things have has been done you your
    they their of progress results update any there doing far many much and to kept keep made
    on track hello hi thanks thank please schools traffic drugs visited happened in for a an
    so this that was were we our can will would my me youth young
    """
)
_SWEDISH_MARKERS = swedish.lowers(
    """
    hur vad vilka vilken det går gick har hade ni och med är lovat lovade polisen kommunen
    läget för på om till gör gjort löften löftena medborgarlöften inte nu kommun kommuns tack
    hej hallå bra man också skolorna trafiken besökt hänt vi jag du mig dig att en ett som
    där här än
    """
)

# A lower-case word in the definite form ("i praktiken", "i skolorna") is not a place name.
_DEFINITE_ENDINGS = ("en", "et", "an", "na", "ena")

_YEAR_RE = re.compile(r"(?:19|20)\d\d")


# --- Tokens ---------------------------------------------------------------------------------


def _topic_ish(key: str) -> bool:
    return (
        key in _TOPIC_STEMS
        or any(key.startswith(stem) for stem in _LONG_TOPIC_STEMS)
        or _field_word(key)
    )


# --- The field's lexicon --------------------------------------------------------------------

_LEXICON_KEY_MIN = 3  # "epa", "ssp"
# Words of the lexicon too common to link a pledge to one activity; "högstadiet" does link a
# pledge to the school years 7–9 in a citizen's question ("niorna").
_LINK_GENERIC = GENERIC_KEYS - {swedish.key("högstadiet")}
# Lexicon words that do not say on their own what a citizen asks about: "langning" is as often
# about alcohol as about drugs.
_NOT_FOR_QUESTIONS = frozenset({swedish.key("langning")})
_FIELD_PREFIX_MIN = 6  # a compound that starts with a field word ("fartkontrollerna")


def _concept_keys(words: Iterable[str]) -> set[str]:
    """Keys of a concept's terms: one-word terms, and multi-word terms written together."""
    keys: set[str] = set()
    for term in words:
        parts = [w.lower() for w in swedish.WORD_RE.findall(term)]
        if len(parts) == 1:
            key = swedish.key(parts[0])
            if len(key) >= _LEXICON_KEY_MIN and key not in _NOT_FOR_QUESTIONS:
                keys.add(key)
        elif parts:
            keys.add(swedish.key("".join(parts)))
    return keys


@lru_cache(maxsize=1)
def _lexicon_links() -> tuple[tuple[str, frozenset[str]], ...]:
    """Each concept of the lexicon with the keys that link a pledge's own words to it (not
    those too common to say which activity is meant)."""
    return tuple((c.key, frozenset(_concept_keys(c.words) - _LINK_GENERIC)) for c in CONCEPTS)


@lru_cache(maxsize=1)
def _field_words() -> frozenset[str]:
    """Keys that name an activity of the field on their own: the lexicon's one-word terms and
    multi-word terms written together, and the content words of its English terms."""
    keys: set[str] = set()
    for c in CONCEPTS:
        keys |= _concept_keys(c.words)
        for term in c.english:
            for word in swedish.WORD_RE.findall(term.lower()):
                if len(word) >= 4 and swedish.fold(word) not in _STOP:
                    keys.add(swedish.key(word))
    return frozenset(keys)


@lru_cache(maxsize=1)
def _long_field_words() -> frozenset[str]:
    return frozenset(k for k in _field_words() if len(k) >= _FIELD_PREFIX_MIN)


@lru_cache(maxsize=4096)
def _field_word(key: str) -> bool:
    """Whether a question word's key is a word of the field, or a compound starting with one
    ("alkoholkontrollerna")."""
    if key in _field_words():
        return True
    long_words = _long_field_words()
    return any(key[:n] in long_words for n in range(_FIELD_PREFIX_MIN, len(key)))


def _hyphened_field_word(tokens: Sequence[Token], i: int) -> str | None:
    """The key of a word and the one before it, joined by a hyphen, when that is a word of
    the field ("brå-möten", "epa-kontroll"); otherwise None."""
    token = tokens[i]
    if i == 0 or not token.joined_before or token.digit or tokens[i - 1].digit:
        return None
    field = _field_words()
    for key in (swedish.key(tokens[i - 1].low + token.low), tokens[i - 1].fold + token.fold):
        # "brå-mötena": an ending or two the stemmer left ("bramoten" for "bramot")
        for size in range(len(key), max(_FIELD_PREFIX_MIN, len(key) - 3) - 1, -1):
            if key[:size] in field:
                return key[:size]
    return None


def _own_keys(topic: Topic, *, short_only: bool = False) -> frozenset[str]:
    """The keys of a pledge's own words: each word of its short name and synonyms (or of its
    short name only), and each multi-word one written together."""
    keys: set[str] = set()
    texts: tuple[object, ...] = (
        (topic.short_name,) if short_only else (topic.short_name, *(topic.synonyms or ()))
    )
    for text in texts:
        if not isinstance(text, str):
            continue
        words = [w.lower() for w in swedish.WORD_RE.findall(text)]
        keys.update(swedish.key(w) for w in words if not w.isdigit())
        if len(words) > 1:
            keys.add(swedish.key("".join(words)))
    return frozenset(keys)


@lru_cache(maxsize=1024)
def _lexicon_words_of(own: frozenset[str], short: frozenset[str]) -> tuple[tuple[str, float], ...]:
    """The lexicon's words for what a pledge's own words name, with those of every narrower
    concept (a pledge about traffic controls is met by speed checks, not the other way), each
    with its weight: a narrower concept's words weigh less, so that a pledge about speed checks
    comes before a general one.

    A pledge whose synonyms name a general concept and some of its kinds, while its short name
    does not name the general one ("droger i trafiken": "trafikinsats", "drograttfylleri"), is
    about those kinds: it gets the general concept's own words, not every other kind's."""
    linked = [key for key, keys in _lexicon_links() if keys & own]
    found: dict[str, float] = {}
    for key in linked:
        for word in concept(key).words:
            found[word] = _W_LEXICON
    links = dict(_lexicon_links())
    for key in linked:
        kinds = narrower(key)
        if not links[key] & short and any(k in linked for k in kinds):
            continue
        for word in terms_for(key):
            found.setdefault(word, _W_LEXICON_NARROWER)
    return tuple(found.items())


# --- Municipality names ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _NameForm:
    form: str  # folded, written together
    name: str
    words: int  # how many words the written form has
    town: str | None = None  # the town this form names; ``name`` is then its municipality


@dataclass(slots=True)
class _NameIndex:
    # (number of words written, folded form written together) → (name, town); None when two
    # municipalities share it.
    exact: dict[tuple[int, str], tuple[str, str | None] | None]
    # (number of words, lower-case form written together, not folded) → name: tells "Håbo" from
    # "Habo", which fold alike.
    written: dict[tuple[int, str], tuple[str, str | None] | None]
    # first letter → forms of at least _NAME_TYPO_MIN letters
    typo: dict[str, list[_NameForm]]
    # a five-letter name without its last letter ("asel") → the name; None when shared
    clipped: dict[str, tuple[str, str | None] | None]
    everyday: frozenset[str]  # forms that are also ordinary words: they need a sign of a place
    memo: dict[tuple[int, str], tuple[str, str | None] | None] = field(default_factory=dict)


def _name_words(name: str) -> list[str]:
    words = [swedish.fold(w) for w in swedish.WORD_RE.findall(name) if not w.isdigit()]
    if len(words) > 1 and words[-1] in _KOMMUN_SUFFIX:
        words = words[:-1]
    return words


def _written_words(name: str) -> list[str]:
    words = [w.lower() for w in swedish.WORD_RE.findall(name) if not w.isdigit()]
    if len(words) > 1 and swedish.fold(words[-1]) in _KOMMUN_SUFFIX:
        words = words[:-1]
    return words


# Towns whose names are also ordinary words, besides every town of at most five letters.
_EVERYDAY_TOWNS = swedish.folds(
    "kista backa backe viken nyland husby forsa hille lima lindas valbo"
)
_TOWN_EVERYDAY_MAX = 5
_CLIPPED_MIN = 4


@lru_cache(maxsize=16)
def _name_index(names: tuple[str, ...], towns: _TownList | None = None) -> _NameIndex:
    exact: dict[tuple[int, str], tuple[str, str | None] | None] = {}
    written: dict[tuple[int, str], tuple[str, str | None] | None] = {}

    def add(
        key: tuple[int, str],
        value: tuple[str, str | None],
        into: dict[tuple[int, str], tuple[str, str | None] | None] = exact,
    ) -> None:
        known = into.get(key, value)
        into[key] = value if known is not None and known[0] == value[0] else None

    typo: dict[str, list[_NameForm]] = {}
    clipped: dict[str, tuple[str, str | None] | None] = {}
    parts: dict[str, set[str]] = {}
    for name in names:
        words = _name_words(name)
        if not words:
            continue
        joined = "".join(words)
        add((len(words), joined), (name, None))
        add((len(words), "".join(_written_words(name))), (name, None), written)
        if len(words) > 1:
            add((1, joined), (name, None))
            for word in words:
                parts.setdefault(word, set()).add(name)
        if len(joined) >= _NAME_TYPO_MIN:
            typo.setdefault(joined[0], []).append(_NameForm(joined, name, len(words)))
            if len(words) > 1:
                typo.setdefault(joined[0], []).append(_NameForm(joined, name, 1))
        elif len(words) == 1 and len(joined) == _CLIPPED_MIN + 1:
            key = joined[:-1]
            clipped[key] = (name, None) if key not in clipped else None
    for word, owners in parts.items():
        if (
            len(owners) == 1
            and len(word) >= 5
            and word not in _GENERIC_NAME_WORDS
            and word not in _EVERYDAY_NAMES
            and word not in _NOT_A_NAME
            and (1, word) not in exact
        ):
            exact[(1, word)] = (next(iter(owners)), None)
    # Towns lead to their municipality, when it is in the list; a municipality's own name wins.
    taken = set(exact)
    folded_names: dict[str, str] = {}
    for name in names:
        folded_names.setdefault("".join(_name_words(name)), name)
    everyday = set(_EVERYDAY_NAMES)
    exact_names = set(names)
    for town, municipality in towns.items if towns is not None else ():
        owner = (
            municipality
            if municipality in exact_names
            else folded_names.get("".join(_name_words(municipality)))
        )
        words = _name_words(town)
        if owner is None or not words:
            continue
        joined = "".join(words)
        if (len(words), joined) in taken or joined in _STOP or joined in _NOT_A_NAME:
            continue
        add((len(words), joined), (owner, town))
        add((len(words), "".join(_written_words(town))), (owner, town), written)
        if len(words) > 1 and (1, joined) not in taken:
            add((1, joined), (owner, town))
        if len(joined) <= _TOWN_EVERYDAY_MAX or joined in _EVERYDAY_TOWNS:
            everyday.add(joined)
        elif len(joined) >= _NAME_TYPO_MIN + 1:
            typo.setdefault(joined[0], []).append(_NameForm(joined, owner, len(words), town))
    for key in [k for k in clipped if (1, k) in exact or k in _NOT_A_NAME]:
        del clipped[key]
    return _NameIndex(exact, written, typo, clipped, frozenset(everyday))


@dataclass(frozen=True, slots=True)
class _PlaceHit:
    first: int
    last: int  # inclusive
    name: str
    exact: bool
    town: str | None = None


def _window(tokens: Sequence[Token], first: int, size: int) -> str | None:
    """The folded words ``first`` … ``first + size - 1`` written together, or None."""
    if first + size > len(tokens):
        return None
    words = tokens[first : first + size]
    if any(t.digit for t in words):
        return None
    return "".join(t.fold for t in words)


def _forms(joined: str) -> list[str]:
    """A written name and the name without a genitive "s" or a glued "kommun(s)"."""
    forms = [joined]
    for suffix in ("kommuns", "kommun"):
        if joined.endswith(suffix) and len(joined) - len(suffix) >= 3:
            joined = joined[: -len(suffix)]
            forms.append(joined)
            break
    if joined.endswith("s") and len(joined) > 3:
        forms.append(joined[:-1])
    return forms


def _everyday_name_allowed(tokens: Sequence[Token], first: int, last: int) -> bool:
    """Whether an everyday word ("vara", "mark") at ``first..last`` names a municipality."""
    before = tokens[first - 1].fold if first > 0 else None
    after = tokens[last + 1].fold if last + 1 < len(tokens) else None
    if after in _KOMMUN_SUFFIX:
        return True
    if first > 0 and tokens[first].capital and not tokens[first].capitals:
        return True
    rest = [t for i, t in enumerate(tokens) if not first <= i <= last]
    if all(t.fold in _KOMMUN_SUFFIX or t.fold in ("i", "for", "in") for t in rest):
        return True
    return before in ("i", "for", "in") and (after is None or after in _KOMMUN_SUFFIX)


_UNKNOWN = object()


def _typo_name(index: _NameIndex, size: int, joined: str) -> tuple[str, str | None] | None:
    """The one name within one typing error of ``joined`` (written in ``size`` words)."""
    memo_key = (size, joined)
    known = index.memo.get(memo_key, _UNKNOWN)
    if known is not _UNKNOWN:
        return None if known is None else known  # type: ignore[return-value]
    found: dict[str, str | None] = {}
    for form in _forms(joined):
        if len(form) < _NAME_TYPO_MIN:
            continue
        for candidate in index.typo.get(form[:1], ()):
            if candidate.words != size or abs(len(candidate.form) - len(form)) > 1:
                continue
            if swedish.within_edits(form, candidate.form, 1) and (
                candidate.name not in found or candidate.town is None
            ):
                found[candidate.name] = candidate.town
    result = next(iter(found.items())) if len(found) == 1 else None
    if len(index.memo) > _MEMO_MAX:
        index.memo.clear()
    index.memo[memo_key] = result
    return result


def _exact_hit(
    tokens: Sequence[Token], index: _NameIndex, i: int, size: int
) -> tuple[str, str | None] | None:
    joined = _window(tokens, i, size)
    if joined is None:
        return None
    written = "".join(t.low for t in tokens[i : i + size])
    for form in _forms(joined):
        found = index.exact.get((size, form))
        if found is None and (size, form) in index.exact:
            # Two names fold alike ("Håbo", "Habo"): the one written exactly so.
            for candidate in (written, written[:-1] if written.endswith("s") else None):
                if candidate is not None and index.written.get((size, candidate)) is not None:
                    found = index.written[(size, candidate)]
                    break
        if found is None:
            continue
        if form in index.everyday and not _everyday_name_allowed(tokens, i, i + size - 1):
            continue
        return found
    return None


def _find_places(tokens: Sequence[Token], index: _NameIndex) -> list[_PlaceHit]:
    """Every municipality named in the tokens, in order; exact ones before typos at a word."""
    hits: list[_PlaceHit] = []
    i = 0
    while i < len(tokens):
        hit: _PlaceHit | None = None
        for size in range(_NAME_WINDOW, 0, -1):
            found = _exact_hit(tokens, index, i, size)
            if found is not None:
                hit = _PlaceHit(i, i + size - 1, found[0], exact=True, town=found[1])
                break
        if hit is None:
            for size in (2, 1):
                window = tokens[i : i + size]
                if len(window) < size or any(
                    t.digit or t.fold in _NOT_A_NAME or len(t.fold) < 2 for t in window
                ):
                    continue
                joined = "".join(t.fold for t in window)
                if len(joined) < _NAME_TYPO_MIN:
                    clipped = index.clipped.get(joined) if size == 1 else None
                    if clipped is not None and _everyday_name_allowed(tokens, i, i):
                        hit = _PlaceHit(i, i, clipped[0], exact=False, town=clipped[1])
                        break
                    continue
                found = _typo_name(index, size, joined)
                if found is not None:
                    hit = _PlaceHit(i, i + size - 1, found[0], exact=False, town=found[1])
                    break
        if hit is not None:
            hits.append(hit)
            i = hit.last + 1
        else:
            i += 1
    return hits


def _choose_place(hits: Sequence[_PlaceHit]) -> _PlaceHit | None:
    exact = [h for h in hits if h.exact]
    if exact:
        return exact[0]
    return hits[0] if hits else None


def _as_names(municipalities: Sequence[str]) -> tuple[str, ...]:
    try:
        return tuple(m for m in municipalities if isinstance(m, str))
    except TypeError:
        return ()


class _TownList:
    """Town → municipality pairs, hashed once (a key of the cached name index)."""

    __slots__ = ("_hash", "items")

    def __init__(self, items: tuple[tuple[str, str], ...]) -> None:
        self.items = items
        self._hash = hash(items)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _TownList) and (self is other or self.items == other.items)


# Read-only mappings (``bot.domain.towns.TOWNS``) are turned into pairs once.
_FROZEN_TOWNS: dict[int, tuple[Mapping[str, str], _TownList]] = {}


def _as_towns(towns: Mapping[str, str] | None) -> _TownList | None:
    if not towns:
        return None
    known = _FROZEN_TOWNS.get(id(towns))
    if known is not None and known[0] is towns:
        return known[1]
    try:
        items = tuple((t, m) for t, m in towns.items() if isinstance(t, str) and isinstance(m, str))
    except (TypeError, AttributeError, ValueError):
        return None
    found = _TownList(items)
    if isinstance(towns, MappingProxyType) and len(_FROZEN_TOWNS) < _FROZEN_MAX:
        _FROZEN_TOWNS[id(towns)] = (towns, found)
    return found


def _clean(text: object) -> str:
    if not isinstance(text, str):
        return ""
    return swedish.clean(text)


def find_municipality(
    text: str, municipalities: Sequence[str], *, towns: Mapping[str, str] | None = None
) -> str | None:
    """The municipality a short text names ("Härnösands", "asele", "Haparanda kommun",
    "härjedalen?"), or None.

    Accent- and case-insensitive, with a genitive "s", "kommun(s)" after the name and one
    typing error on names of six letters or more (or a last letter left out of a five-letter
    name: "Åsel"). None when nothing, or two names equally well, match. With ``towns`` (town →
    municipality), a town leads to its municipality.
    """
    names = _as_names(municipalities)
    tokens = swedish.tokenise(_clean(text), limit=_MAX_WORDS)
    if not names or not tokens or len(tokens) > _MAX_WORDS:
        return None
    hit = _choose_place(_find_places(tokens, _name_index(names, _as_towns(towns))))
    return None if hit is None else hit.name


# --- Topics ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Term:
    words: tuple[str, ...]  # keys of the content words
    capitals_only: tuple[bool, ...]  # a small word ("sig") names the pledge only in capitals
    joined: str  # the key of the words written together; "" for one word
    weight: float
    whole: bool = False  # a lexicon phrase: names the pledge only with all its words
    lexicon: bool = False  # from the lexicon: matched by the same word, a typo or a compound


@dataclass(frozen=True, slots=True)
class _Area:
    name: str
    term: _Term | None
    pledge_ids: tuple[int, ...]


@dataclass(slots=True)
class _TopicIndex:
    topics: tuple[Topic, ...]
    terms: tuple[tuple[_Term, ...], ...]  # per topic
    areas: tuple[_Area, ...]
    # word key → the (owner, term, word) it appears in; owner < 0: area -1 - owner
    postings: dict[str, list[tuple[int, int, int]]]
    words: frozenset[str]
    sorted_words: list[str]
    sorted_reversed: list[str]
    words_by_letter: dict[str, list[str]]
    text_words: dict[str, list[int]]  # word key of a pledge text → topics
    sorted_text_words: list[str]
    memo: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    text_memo: dict[str, tuple[int, ...]] = field(default_factory=dict)


def _term(text: str, weight: float) -> _Term | None:
    words = [w for w in (m.group(0).lower() for m in swedish.WORD_RE.finditer(text)) if w]
    if not words:
        return None
    small = [w.translate(FOLD) in SMALL_WORDS for w in words]
    if all(small):
        keys = [swedish.key(w) for w in words]
        capitals = [True] * len(words)
    else:
        kept = [w for w, s in zip(words, small, strict=True) if not s]
        keys = [swedish.key(w) for w in kept]
        capitals = [False] * len(kept)
    joined = swedish.key("".join(words)) if len(words) > 1 else ""
    return _Term(tuple(keys), tuple(capitals), joined, weight)


def _area_term(name: str) -> _Term | None:
    words = [
        w
        for w in (m.group(0).lower() for m in swedish.WORD_RE.finditer(name))
        if w.translate(FOLD) not in SMALL_WORDS
        and w.translate(FOLD) not in _AREA_IGNORE
        and w.translate(FOLD) not in _POLICE_WORDS
    ]
    if not words:
        return None
    keys = tuple(swedish.key(w) for w in words)
    joined = swedish.key("".join(words)) if len(words) > 1 else ""
    return _Term(keys, (False,) * len(keys), joined, _W_AREA)


def _lexicon_terms(topics: tuple[Topic, ...]) -> list[list[_Term]]:
    """Per pledge, the lexicon's words for what its own words name, as weaker terms. A word
    that is another pledge's own word is left to that pledge; one that several pledges get
    from the lexicon names each of them equally, so the question offers them all."""
    owns = [_own_keys(t) for t in topics]
    found: list[list[_Term]] = []
    for index, own in enumerate(owns):
        others: set[str] = set()
        for other_index, other in enumerate(owns):
            if other_index != index:
                others |= other
        terms: list[_Term] = []
        short = _own_keys(topics[index], short_only=True)
        for text, weight in _lexicon_words_of(own, short):
            term = _lexicon_term(text, weight)
            if term is None:
                continue
            key = term.joined or term.words[0]
            if key in own or key in others or key in _NOT_FOR_QUESTIONS:
                continue
            terms.append(term)
        found.append(terms)
    return found


@lru_cache(maxsize=2048)
def _lexicon_term(text: str, weight: float) -> _Term | None:
    """A word or phrase of the lexicon as a term (the same for every pledge that gets it)."""
    term = _term(text, weight)
    if term is None or any(term.capitals_only):
        return None
    if len(term.words) == 1 and len(swedish.WORD_RE.findall(text)) > 1:
        # A phrase left with one word once its small words are gone ("vuxna ute" → "vuxna")
        # no longer names the activity.
        return None
    return _Term(
        term.words,
        term.capitals_only,
        term.joined,
        term.weight,
        whole=len(term.words) > 1,
        lexicon=True,
    )


def _build_topic_index(topics: tuple[Topic, ...]) -> _TopicIndex:
    per_topic: list[tuple[_Term, ...]] = []
    lexicon = _lexicon_terms(topics)
    postings: dict[str, list[tuple[int, int, int]]] = {}
    text_words: dict[str, list[int]] = {}
    area_order: dict[str, list[int]] = {}
    for t_index, topic in enumerate(topics):
        terms: list[_Term] = []
        raw: list[tuple[object, float]] = [(topic.short_name, _W_SHORT_NAME)]
        raw += [(s, _W_SYNONYM) for s in (topic.synonyms or ())]
        for text, weight in raw:
            if isinstance(text, str):
                term = _term(text, weight)
                if term is not None:
                    terms.append(term)
                    if len(term.joined) >= 5:  # written as one word: "rökfriaskolgårdar"
                        terms.append(_Term((term.joined,), (False,), "", weight))
        for term in lexicon[t_index]:
            terms.append(term)
            if len(term.joined) >= 5:
                terms.append(_Term((term.joined,), (False,), "", term.weight, lexicon=True))
        per_topic.append(tuple(terms))
        for term_index, term in enumerate(terms):
            for word_index, word in enumerate(term.words):
                postings.setdefault(word, []).append((t_index, term_index, word_index))
        if isinstance(topic.text, str) and topic.text:
            for m in swedish.WORD_RE.finditer(topic.text[: swedish.MAX_TEXT]):
                low = m.group(0).lower()
                folded = low.translate(FOLD)
                if len(folded) < 4 or folded in _STOP or low.isdigit():
                    continue
                owners = text_words.setdefault(swedish.key(low), [])
                if not owners or owners[-1] != t_index:
                    owners.append(t_index)
        if isinstance(topic.focus_area, str) and topic.focus_area:
            area_order.setdefault(topic.focus_area, []).append(topic.pledge_id)
    areas: list[_Area] = []
    for a_index, (name, ids) in enumerate(area_order.items()):
        term = _area_term(name)
        areas.append(_Area(name, term, tuple(ids)))
        if term is not None:
            for word_index, word in enumerate(term.words):
                postings.setdefault(word, []).append((-1 - a_index, 0, word_index))
    words = frozenset(postings)
    by_letter: dict[str, list[str]] = {}
    for word in words:
        if word:
            by_letter.setdefault(word[0], []).append(word)
    return _TopicIndex(
        topics=topics,
        terms=tuple(per_topic),
        areas=tuple(areas),
        postings=postings,
        words=words,
        sorted_words=sorted(words),
        sorted_reversed=sorted(w[::-1] for w in words),
        words_by_letter=by_letter,
        text_words=text_words,
        sorted_text_words=sorted(text_words),
    )


# Room for every municipality's pledges (290) and some earlier versions of them.
_cached_topic_index = lru_cache(maxsize=512)(_build_topic_index)


def _topic_index(topics: tuple[Topic, ...]) -> _TopicIndex:
    try:
        return _cached_topic_index(topics)
    except TypeError:  # a topic that cannot be hashed (a list of synonyms)
        return _build_topic_index(topics)


def _with_prefix(sorted_words: list[str], prefix: str) -> Iterable[str]:
    start = bisect.bisect_left(sorted_words, prefix)
    for word in sorted_words[start:]:
        if not word.startswith(prefix):
            break
        yield word


def _word_factors(
    index: _TopicIndex, key: str, strict: bool = False
) -> tuple[tuple[str, float], ...]:
    """The term words one question word key matches, with how well. ``strict``: a word of a
    phrase of the field ("speed checks"), which is not matched by its parts either."""
    memo_key = "!" + key if strict else key
    found = index.memo.get(memo_key)
    if found is not None:
        return found
    factors: dict[str, float] = {}

    def note(word: str, factor: float) -> None:
        if factor > factors.get(word, 0.0):
            factors[word] = factor

    if key in index.words:
        note(key, _F_SAME)
    # A word of the field names its own activity: not another one it shares a part with
    # ("grannsamverkan" is not "samverkan", "trygghetsvandring" not "trygghet").
    field_word = strict or key in _field_words()
    if not key.isdigit():
        if len(key) >= 4:
            for word in _with_prefix(index.sorted_words, key):
                if len(word) - len(key) >= 2:
                    note(word, _F_FIRST_PART)
        if len(key) >= 5 and not field_word:
            for reversed_word in _with_prefix(index.sorted_reversed, key[::-1]):
                if len(reversed_word) - len(key) >= 3:
                    note(reversed_word[::-1], _F_HEAD)
        for size in range(4, len(key) - 1):
            if key[:size] not in index.words:
                continue
            if len(key) - size <= 2:
                # what the stemmer left of the same word ("marknaden" and "marknad")
                note(key[:size], _F_TYPO)
            elif not field_word:
                note(key[:size], _F_QUESTION_FIRST_PART)
        for size in range(5, len(key) - 2):
            if key[-size:] in index.words and not field_word:
                note(key[-size:], _F_COMPOUND_IN_QUESTION)
        if len(key) >= 5:
            for word in index.words_by_letter.get(key[0], ()):
                if word != key and swedish.is_typo(key, word):
                    note(word, _F_TYPO)
    result = tuple(factors.items())
    if len(index.memo) > _MEMO_MAX:
        index.memo.clear()
    index.memo[memo_key] = result
    return result


def _text_topics(index: _TopicIndex, key: str) -> tuple[int, ...]:
    """The topics whose full text has a word the question word key names."""
    found = index.text_memo.get(key)
    if found is not None:
        return found
    owners: list[int] = list(index.text_words.get(key, ()))
    if len(key) >= 5 and not key.isdigit():
        for word in _with_prefix(index.sorted_text_words, key):
            owners.extend(index.text_words[word])
    result = tuple(dict.fromkeys(owners))
    if len(index.text_memo) > _MEMO_MAX:
        index.text_memo.clear()
    index.text_memo[key] = result
    return result


@dataclass(frozen=True, slots=True)
class _QWord:
    index: int  # the token's position
    keys: tuple[tuple[str, float], ...]  # keys it stands for, with a factor
    soft: bool  # a responsible word or a number: completes a term, never names one alone
    capitals: bool
    topical: bool  # looks like a topic word: may match a pledge's full text
    strict: bool = False  # a word of a phrase of the field: not matched by its parts


def _question_words(
    tokens: Sequence[Token], taken: frozenset[int], soft_words: frozenset[int]
) -> list[_QWord]:
    words: list[_QWord] = []
    for i, token in enumerate(tokens):
        if i in taken:
            continue
        soft = i in soft_words or token.digit
        if not soft and token.fold in _STOP and not token.capitals:
            continue
        keys: dict[str, float] = {}
        english = _ENGLISH_WORDS.get(token.low)
        if english is not None:
            for word in english:
                keys[swedish.key(word)] = _F_SAME
        base = token.low if token.digit else swedish.key(token.low)
        keys.setdefault(base, _F_SAME)
        for related in _related(base):
            keys.setdefault(related, _F_RELATED)
        topical = english is not None or _topic_ish(base)
        hyphened = _hyphened_field_word(tokens, i)
        if hyphened is not None:
            # "brå-möten": one word of the field written with a hyphen, not two words.
            keys = {hyphened: _F_SAME}
            topical = True
            if words and words[-1].index == i - 1:
                words.pop()
        phrase = _field_phrase(tokens, i) if hyphened is None else None
        if phrase is not None:
            # "speed checks", "synlig polis": a phrase of the field names its activity, so its
            # words are not matched by their parts ("checks" is no "drogkontroll").
            keys[phrase] = _F_SAME
            if words and words[-1].index == i - 1:
                words[-1] = replace(words[-1], strict=True)
        strict = phrase is not None
        words.append(_QWord(i, tuple(keys.items()), soft, token.capitals, topical, strict))
    return words


def _field_phrase(tokens: Sequence[Token], i: int) -> str | None:
    """The key of a word and the one before it written together, when that is a phrase of the
    field's lexicon ("speed checks", "foot patrol", "synlig polis"); otherwise None."""
    if i == 0 or tokens[i].digit or tokens[i - 1].digit or tokens[i].sentence_start:
        return None
    key = swedish.key(tokens[i - 1].low + tokens[i].low)
    return key if len(key) >= _FIELD_PREFIX_MIN and key in _field_words() else None


@lru_cache(maxsize=1)
def _related_keys() -> dict[str, tuple[str, ...]]:
    return {
        swedish.key(word): tuple(swedish.key(r) for r in related)
        for word, related in _RELATED_WORDS.items()
    }


def _related(key: str) -> tuple[str, ...]:
    return _related_keys().get(key, ())


@dataclass(slots=True)
class _TermHit:
    factors: dict[int, tuple[float, int, bool]]  # word → (factor, question word, soft)


def _term_score(term: _Term, hit: _TermHit) -> tuple[float, frozenset[int]] | None:
    if not any(not soft for _, _, soft in hit.factors.values()):
        return None
    matched = list(hit.factors.values())
    if term.whole and (
        len(matched) < len(term.words)
        or any(soft and factor < _F_SAME for factor, _, soft in matched)
    ):
        return None  # a phrase of the lexicon names the pledge only with all its own words
    quality = sum(f for f, _, _ in matched) / len(matched)
    coverage = (
        1.0
        if len(term.words) == 1
        else _MULTI_BASE + (1 - _MULTI_BASE) * min(1.0, len(matched) / len(term.words))
    )
    return term.weight * quality * coverage, frozenset(i for _, i, _ in matched)


@dataclass(frozen=True, slots=True)
class _TopicReading:
    focus_area: str | None
    pledge_ids: tuple[int, ...]
    tokens: frozenset[int]  # the question words that named a topic
    weak: bool = False  # only words of the pledges' full texts matched


def _read_topics(
    index: _TopicIndex, words: Sequence[_QWord], responsible: Responsible | None
) -> _TopicReading:
    # owner → term → word → best (factor, question word, soft)
    hits: dict[int, dict[int, _TermHit]] = {}
    for qword in words:
        for key, key_factor in qword.keys:
            for word, factor in _word_factors(index, key, qword.strict):
                for owner, term_index, word_index in index.postings.get(word, ()):
                    term = (
                        index.terms[owner][term_index]
                        if owner >= 0
                        else index.areas[-1 - owner].term
                    )
                    if term is None or (term.capitals_only[word_index] and not qword.capitals):
                        continue
                    if term.lexicon and factor < _F_COMPOUND_IN_QUESTION - _EPSILON:
                        continue  # "droger" is not the start of "drograttfylleri"
                    value = factor * key_factor
                    term_hits = hits.setdefault(owner, {}).setdefault(term_index, _TermHit({}))
                    known = term_hits.factors.get(word_index)
                    if known is None or value > known[0]:
                        term_hits.factors[word_index] = (value, qword.index, qword.soft)
    # The best term of each pledge and area, and a bonus for more words naming the pledge.
    scores: dict[int, tuple[float, frozenset[int]]] = {}
    for owner, owner_hits in hits.items():
        best: tuple[float, frozenset[int]] | None = None
        used: set[int] = set()
        for term_index, hit in owner_hits.items():
            term = index.terms[owner][term_index] if owner >= 0 else index.areas[-1 - owner].term
            if term is None:
                continue
            scored = _term_score(term, hit)
            if scored is None:
                continue
            used |= scored[1]
            if best is None or scored[0] > best[0]:
                best = scored
        if best is None:
            continue
        extra = _EXTRA_WORD_BONUS if owner >= 0 and used - best[1] else 0.0
        scores[owner] = (best[0] + extra, frozenset(used))

    # Weak evidence from the pledges' full texts, only when no term matched.
    weak = not any(owner >= 0 for owner in scores)
    if not any(owner >= 0 for owner in scores):
        for qword in words:
            if qword.soft or not qword.topical:
                continue
            for key, key_factor in qword.keys:
                for owner in _text_topics(index, key):
                    value = _F_TEXT * key_factor
                    if value > scores.get(owner, (0.0, frozenset()))[0]:
                        scores[owner] = (value, frozenset({qword.index}))

    areas = sorted(
        ((score, -1 - owner) for owner, score in scores.items() if owner < 0),
        key=lambda s: (-s[0][0], s[1]),
    )
    pledges = sorted(
        ((score, owner) for owner, score in scores.items() if owner >= 0),
        key=lambda s: (-s[0][0], s[1]),
    )
    best_pledge = pledges[0][0][0] if pledges else 0.0
    if areas and areas[0][0][0] >= _AREA_MIN - _EPSILON:
        (area_score, area_tokens), area_index = areas[0]
        if area_score >= best_pledge - _EPSILON:
            area = index.areas[area_index]
            return _TopicReading(area.name, area.pledge_ids, area_tokens)
    if not pledges:
        return _TopicReading(None, (), frozenset())
    floor = max(_PLEDGE_MIN, best_pledge - _PLEDGE_WINDOW) - _EPSILON
    chosen = [(score, owner) for score, owner in pledges if score[0] >= floor]
    if responsible is not None:
        theirs = [
            (score, owner)
            for score, owner in chosen
            if swedish.fold(str(index.topics[owner].responsible))
            in (swedish.fold(responsible), "bada")
        ]
        chosen = theirs or chosen
    if not chosen:
        # Only weak words (a pledge text): offer them, still best first.
        if best_pledge < _F_TEXT * _F_RELATED - _EPSILON:
            return _TopicReading(None, (), frozenset())
        chosen = [(score, owner) for score, owner in pledges if score[0] >= best_pledge - 0.01]
    ids = tuple(dict.fromkeys(index.topics[owner].pledge_id for _, owner in chosen))
    tokens = frozenset(i for (_, used), _ in chosen for i in used)
    return _TopicReading(None, ids, tokens, weak)


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
        if fold in _POLICE_WORDS or (
            len(fold) > 7 and fold.endswith(("polisen", "polis")) and not fold.startswith("polis")
        ):
            police.add(i)
            continue
        if fold not in _MUNICIPALITY_BODY_WORDS:
            continue
        before = i - 1
        if before >= 0 and tokens[before].fold == "the":
            before -= 1
        if before >= 0 and (
            before in place_tokens or tokens[before].fold in _BODY_PLACE_PREPOSITIONS
        ):
            continue  # "i kommunen", "in the municipality", "Åsele kommunen"
        body.add(i)
    return frozenset(police), frozenset(body)


# --- Unknown places -------------------------------------------------------------------------


def _not_a_place_word(token: Token, topic_tokens: frozenset[int], index: int) -> bool:
    return (
        token.digit
        or index in topic_tokens
        or token.fold in _STOP
        or token.fold in _NOT_A_NAME
        or token.fold in _REQUEST_WORDS
        or token.fold in _MUNICIPALITY_BODY_WORDS
        or token.fold in _POLICE_WORDS
        or len(token.fold) < 2
        or _topic_ish(swedish.key(token.low))
    )


def _unknown_place(
    text: str, tokens: Sequence[Token], english: bool, topic_tokens: frozenset[int]
) -> tuple[str | None, frozenset[int]]:
    """Words after "i"/"för"/"in" (or before "kommun") that look like a place we do not know."""
    prepositions = _PLACE_PREPOSITIONS_EN if english else _PLACE_PREPOSITIONS_SV
    last_content = len(tokens) - 1
    while last_content >= 0 and tokens[last_content].fold in _KOMMUN_SUFFIX:
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
        followed_by_kommun = start + 1 < len(tokens) and tokens[start + 1].fold in _KOMMUN_SUFFIX
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
            start == last_content and not head.fold.endswith(_DEFINITE_ENDINGS)
        ):
            last = start
        else:
            continue
        return text[head.start : tokens[last].end], frozenset(range(start, last + 1))
    for i, token in enumerate(tokens):
        if token.fold not in _KOMMUN_SUFFIX or i == 0:
            continue
        before = tokens[i - 1]
        if not _not_a_place_word(before, topic_tokens, i - 1):
            return before.raw, frozenset({i - 1})
    # A message that is only a name or two ("Kiruna", "Nya Zeeland?", the argument of a command).
    if (
        len(tokens) <= _NAME_WINDOW
        and all(t.capital for t in tokens)
        and not all(_not_a_place_word(t, topic_tokens, i) for i, t in enumerate(tokens))
        and not _not_a_place_word(tokens[-1], topic_tokens, len(tokens) - 1)
    ):
        return text[tokens[0].start : tokens[-1].end], frozenset(range(len(tokens)))
    return None, frozenset()


# --- Kind of question -----------------------------------------------------------------------


def _is_english(tokens: Sequence[Token]) -> bool:
    english = sum(1 for t in tokens if t.low in _ENGLISH_MARKERS)
    swedish_words = sum(1 for t in tokens if t.low in _SWEDISH_MARKERS)
    return english > swedish_words


def _has_pledge_word(tokens: Sequence[Token]) -> bool:
    return any(
        t.fold in _PLEDGE_WORDS
        or t.fold.startswith(_PLEDGE_PREFIXES)
        or (len(t.fold) > 6 and t.fold.endswith(_PLEDGE_SUFFIXES))
        for t in tokens
    )


def _has_progress_word(tokens: Sequence[Token]) -> bool:
    return any(t.fold in _PROGRESS_WORDS or t.fold.startswith(_PROGRESS_PREFIXES) for t in tokens)


def _has_supine_after_have(tokens: Sequence[Token]) -> bool:
    for i, token in enumerate(tokens):
        if token.fold not in _HAVE:
            continue
        for later in tokens[i + 1 : i + 4]:
            fold = later.fold
            if (
                len(fold) >= 4
                and fold.endswith(_SUPINE_ENDINGS)
                and fold not in _NOT_SUPINE
                and fold not in _PLEDGE_WORDS
            ):
                return True
    return False


def _kind(tokens: Sequence[Token], names_only: bool) -> Kind:
    line = " " + " ".join(t.fold for t in tokens) + " "
    if any(r.search(line) for r in _CHIT_CHAT_RES):
        return "none"
    strong = _has_progress_word(tokens) or any(r.search(line) for r in _STRONG_PROGRESS_RES)
    if strong:
        return "progress"
    if _has_pledge_word(tokens) or any(r.search(line) for r in _PLEDGE_RES):
        return "pledges"
    if any(t.fold in _REQUEST_WORDS for t in tokens):
        return "none"
    if _has_supine_after_have(tokens) or any(r.search(line) for r in _WEAK_PROGRESS_RES):
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
            token.fold in _FILLER
            or i in responsible_tokens
            or _YEAR_RE.fullmatch(token.fold)
            or token.fold in _KOMMUN_SUFFIX
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
    text = _clean(text)
    tokens = swedish.tokenise(text, limit=_MAX_WORDS)
    if not tokens:
        return _NONE
    if len(tokens) > _MAX_WORDS:
        return Question("none", None, None, None, (), None, _is_english(tokens))
    english = _is_english(tokens)

    names = _as_names(municipalities)
    index_of_names = _name_index(names, _as_towns(towns)) if names else None
    place = _choose_place(_find_places(tokens, index_of_names)) if index_of_names else None
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
            (t.fold not in _STOP and (_topic_ish(swedish.key(t.low)) or t.low in _ENGLISH_WORDS))
            # a word of the field written with a hyphen ("brå-möten")
            or _hyphened_field_word(tokens, i) is not None
            or (i + 1 < len(tokens) and _hyphened_field_word(tokens, i + 1) is not None)
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
        index = _topic_index(topic_tuple)
        words = _question_words(tokens, place_tokens | unknown_tokens, police | body)
        reading = _read_topics(index, words, responsible)
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
            and any(t.fold in _HAVE for t in tokens[max(0, i - 3) : i])
            and tokens[i].fold.endswith(_SUPINE_ENDINGS)
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
