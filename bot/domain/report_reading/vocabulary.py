"""The words and patterns a reporter's message is read with: keys of message words, small
words, place nouns, time words, the patterns of numbers that are no counts, and how one
message word matches one word of a pledge's term."""

from __future__ import annotations

import re

from bot.domain import swedish
from bot.domain.report_reading.tuning import M_COMPOUND_HEAD, M_COMPOUND_MODIFIER, M_PARTIAL, M_TYPO
from bot.domain.swedish import FOLD, Token

# --- Words ----------------------------------------------------------------------------------


def message_word_key(low: str) -> str:
    """The key a word is matched by; small words ("mot", "i") only ever match themselves."""
    folded = low.translate(FOLD)
    return "~" + folded if folded in SMALL_WORDS else swedish.key(low)


# Small words: never a place, weak as a term, soft inside a multi-word term.
SMALL_WORDS = swedish.folds(
    """
    och i på med om för till av att som en ett den det de vid mot hos från är var har hade vi
    jag man samt under efter kring inför utan eller men så sen sedan då nu här där också även
    sig sin sitt sina oss dem han hon hans hennes deras vår våra vårt min mitt mina ni er dom
    ut upp in över ute inne genom längs utanför bland mellan mm osv etc ca kl klockan plus alla
    allt blev gjorde gjort vara bli bara lite mycket många några annan andra inom hela per
    """
)

# Words too common to point at one pledge on their own.
GENERIC_KEYS = swedish.keys(
    """
    skola skolan skolor besök möte möten träff träffar tips information info utbildning
    utbildningar lektion lektioner trafik insats insatser kontroll kontroller samtal dialog
    närvaro tillgänglig samarbete samarbeten tobak rökning kartläggning pass tillfälle
    tillfällen aktivitet aktiviteter högstadiet gymnasiet drogförebyggande arbete polis
    plats personal grupp gruppen verksamhet
    """
)

# Nouns that a number in front of makes a count, whatever the pledge; otherwise the noun must
# be one of the pledge's own words ("3 kontroller" for "trafikkontroller", not "3 klasser").
COUNT_NOUN_KEYS = swedish.keys("gång gånger ggr tillfälle tillfällen")
UNIT_WORDS = swedish.folds(["st", "st.", "stycken", "styck", "ggr", "x"])

# Nouns of people and things: a number in front of them is not the count ("40 förare").
# Compared as written (folded), since some share a stem with words that are counted
# ("besökare" and "besök").
NOT_COUNTED_FORMS = swedish.folds(
    """
    elever eleverna elev deltagare deltagarna personer personerna person pers föräldrar
    föräldrarna ungdomar ungdomarna barn barnen bilar bilarna bil fordon fordonen förare
    förarna poliser poliserna kollegor lärare lärarna vuxna besökare åskådare mopeder
    mopederna tjejer killar flickor pojkar män kvinnor gripna gripanden prov proven
    utandningsprov blåsprov alkotest sidor km kilometer mil meter kronor kr procent patruller
    patrull bussar lastbilar skotrar hundar klassrum
    """
)
NOT_COUNTED_HEADS = swedish.folds("prov bilar förare elever ungdomar deltagare personer")

# Place nouns: extend a capitalised name ("Sveg skola") or make a lowercase phrase a place.
PLACE_NOUN_KEYS = swedish.keys(
    """
    skola skolan skolor gymnasium gymnasiet högstadiet högstadieskola mellanstadiet centrum
    torget torg hamnen hamn stationen resecentrum kyrkan fritidsgården fritidsgård parken
    hallen sporthallen idrottshallen badet campingen camping boendet skolgården biblioteket
    kommunhuset köpcentrum affären centralskola
    """
)
# Place nouns too vague to be a place on their own ("på skolan").
VAGUE_PLACE_KEYS = swedish.keys(["skola", "skolan", "skolor", "boendet"])
# Generic parts of coverage names: "Hälledalsskolan" is "Hälledal" + a school.
COVERAGE_GENERIC_KEYS = swedish.keys(
    "skola skolan gymnasium gymnasiet högstadiet högstadieskola centrum torget"
)

# Words of time: never a place.
TIME_KEYS = swedish.keys(
    """
    idag igår imorgon morse kväll kvällen natt natten morgon morgonen eftermiddag
    eftermiddagen förmiddag förmiddagen helg helgen vecka veckan lunch lunchen rast rasten
    samband tid dag dagen timme timmar kvart stund höstas våras somras vintras fjol år
    måndag tisdag onsdag torsdag fredag lördag söndag måndags tisdags onsdags torsdags
    fredags lördags söndags gång gånger
    """
)

# Nouns after a preposition that are not places ("hos rektor", "på plats").
NOT_PLACE_KEYS = swedish.keys(
    """
    plats stan rektor rektorn personal personalen föräldrar elever eleverna ungdomar kollegor
    kommunen polisen socialtjänsten gruppen familjen telefon mejl mail nätet distans länk
    teams zoom uppdrag begäran
    """
)

PLACE_PREPOSITIONS = swedish.folds(["på", "i", "vid", "utanför", "längs", "mot", "hos", "genom"])


ROAD_RE = re.compile(
    r"(?<![\w-])(?:E\s?\d{1,2}|e\d{1,2}|(?:rv|lv|riksväg|länsväg|väg)\.?\s?\d{1,4})(?![\w])",
    re.IGNORECASE,
)
ROAD_E_RE = re.compile(r"e\s?\d", re.IGNORECASE)

# Did not happen, is only planned, or is a question or a correction: never decide.
NOT_DONE_RE = re.compile(
    r"(?<!\w)(?:inte|ej|icke|aldrig|inställ\w*|ställ(?:des|ts|de|s)\s+in"
    r"|avbok\w*|avbr(?:öt|öts|uten|utet|utna|ö?ts)|uteblev|sk[öo]ts\s+upp|skjut(?:s|its)\s+upp"
    r"|flyttad\w*|planer\w*|ska|skall|kommer\s+att|tänker|bokad\w*|bokat|ångra\w*|fel|felaktig\w*"
    r"|radera\w*|ta\s+bort|stryk|glöm)(?!\w)|\?",
    re.IGNORECASE,
)

# Times that name no single day ("förra veckan", "i helgen"), or a coming one ("på fredag"):
# the day stays unknown and the bot asks.
VAGUE_DAY_RE = re.compile(
    r"(?<!\w)(?:(?:förra|nästa|denna|den\s+här|tidigare\s+i|senare\s+i|i|under|hela|i\s+slutet\s+av"
    r"|i\s+början\s+av)\s+(?:vecka|veckan|helgen|helg|månaden|månad|hösten|våren|sommaren|vintern)"
    r"|i\s+(?:höstas|våras|somras|vintras|fjol|år|höst|vår|sommar|vinter)|förra\s+året|hittills"
    r"|häromdagen|härom\s+dagen|nyligen"
    r"|för\s+\S+\s+(?:dagar|veckor|månader|dag|vecka|månad)\s+sedan"
    r"|(?:varje|alla|varannan)\s+\w+|v\.?\s?\d{1,2}|vecka\s+\d{1,2}|veckorna\s+\d{1,2}"
    r"|i\s+(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)"
    r"|(?:last|this|next|earlier\s+this|during\s+the|the)\s+(?:week|weekend|month)|the\s+other\s+day"
    r"|recently|för\s+en\s+vecka\s+sedan|a\s+week\s+ago"
    r")(?!\w)",
    re.IGNORECASE,
)
# "på fredag" is as often the coming Friday as the last one.
COMING_WEEKDAY_RE = re.compile(
    r"(?<!\w)(?:på\s+(?:mån|tis|ons|tors|fre|lör|sön)dag(?:en)?"
    r"|on\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day)(?!\w)",
    re.IGNORECASE,
)
# A week or a weekend: the bot offers its days.
LAST_WEEK_RE = re.compile(r"(?<!\w)(?:i\s+)?(?:förra\s+veckan|last\s+week)(?!\w)", re.IGNORECASE)
WEEKEND_RE = re.compile(
    r"(?<!\w)(?:i\s+helgen|förra\s+helgen|under\s+helgen|(?:last|this|the)\s+weekend)(?!\w)",
    re.IGNORECASE,
)

# Numbers the counter must account for: a digit run (with decimals or an exponent), not glued
# to letters in front ("E45", "åk8") or behind ("8B", "3st", which are read elsewhere).
NUMBER_LIKE_RE = re.compile(
    r"(?<![^\W_])(?<![^\W\d_]-)(?:\d+[eE][+-]?\d+|\d+(?:[.,:]\d+)*)(?![^\W\d_]|\d)"
)
CLOCK_RE = re.compile(r"(?<![\d.,:])\d{1,2}[.:]\d{2}(?![\d.,:]\d)")
PAIR_RE = re.compile(r"\d+\s?/\s?\d+")
# Number words the reader does not take as a count: it asks.
BIG_NUMBER_WORDS_RE = re.compile(
    r"(?<!\w)(?:(?P<big>tusen\w*|miljon\w*|miljard\w*|hundratals|tiotals|dussintals|thousands?"
    r"|millions?|billions?|hundreds|dozens)|massor|en\s+massa|flera|några|ett\s+antal|several"
    r"|a\s+few)(?!\w)",
    re.IGNORECASE,
)
EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "once": 1, "twice": 2,
}  # fmt: skip
EN_NUMBER_RE = re.compile(r"(?<!\w)(?:" + "|".join(EN_NUMBERS) + r")(?!\w)", re.IGNORECASE)

ZERO_WORDS_RE = re.compile(r"(?<!\w)(?:ingen|inga|inget)(?!\w)", re.IGNORECASE)
NEGATIVE_RE = re.compile(r"(?<![\w.,:/])[-−–]\s?(\d{1,7})(?![\w]|[.,:/]\d)")
GLUED_RE = re.compile(r"(?<![\w.,:/-])(\d{1,4})\s?(?:st|ggr|x|×)(?!\w)", re.IGNORECASE)
TIMES_BEFORE_RE = re.compile(r"(?<![\w.,:/-])[x×]\s?(\d{1,4})(?![\w]|[.,:/]\d)", re.IGNORECASE)
RANGE_RE = re.compile(r"(?<![\w.,:/-])\d{1,3}\s?[-–]\s?\d{1,3}(?![\w.,:/-])")

NOT_A_COUNT_BEFORE_RE = re.compile(
    r"(?:(?<!\w)(?:årskurs|åk|ak|klass|år|kl|klockan|nr|nummer|e|rv|lv|väg|vag|riksväg|länsväg"
    r"|sidan|sid|tel|telefon|storlek|nummer|tfn|mellan|från)\.?|§|#|\w(?:gatan|vägen|gränd))\s*\Z",
    re.IGNORECASE,
)
NOT_A_COUNT_AFTER_RE = re.compile(
    r"(?:\s*(?:%|procent|kr(?!\w)|kronor|:-|km(?!\w)|mil(?!\w)|meter|m(?!\w)|kg|år(?!\w)|års(?!\w)"
    r"|-?åring\w*|-?årig\w*|timmar|timme|tim(?!\w)|t(?!\w)|h(?!\w)|min(?!\w)|minuter|minut|mins"
    r"|sek(?!\w)|sekunder|dagar|dag(?!\w)|dygn|veckor|vecka|månader|månad|kvart|halvtimme"
    r"|och\s+en\s+halv|km/h)"
    r"|[:.,]\w|/|-[^\W\d_])",  # "8:an", "3/4", "50-väg", "15-åring"
    re.IGNORECASE,
)
LABEL_BEFORE_RE = re.compile(r"(?<!\w)(?:antal|summa|totalt)\s*:?\s*\Z", re.IGNORECASE)
NOUN_COLON_BEFORE_RE = re.compile(r"([^\W\d_]+)\s*[:=]\s*\Z")


def tokens_of(text: str) -> list[Token]:
    return swedish.tokenise(text, key_of=message_word_key)


def word_match(token_key: str, word_key: str) -> float:
    """How well one message word matches one term word (0 when it does not)."""
    if token_key == word_key:
        return 1.0
    if token_key.isdigit() or word_key.isdigit():
        return 0.0
    extra = len(token_key) - len(word_key)
    if len(word_key) >= 4 and extra >= 3 and token_key.endswith(word_key):
        return M_COMPOUND_HEAD
    if len(word_key) >= 5 and extra >= 3 and token_key.startswith(word_key):
        return M_COMPOUND_MODIFIER
    if swedish.is_typo(token_key, word_key):
        return M_TYPO
    return 0.0


def partial_match(token_key: str, word_key: str) -> float:
    """A message word that is only the head of a compound term ("kontroll" of "trafikkontroll")."""
    if (
        len(token_key) >= 5
        and len(word_key) - len(token_key) >= 3
        and word_key.endswith(token_key)
        and not token_key.isdigit()
    ):
        return M_PARTIAL
    return 0.0
