"""The words a question is read with: question words of each kind, responsible parties,
place prepositions, stop words, topic words and the markers of English."""

from __future__ import annotations

import re

from bot.domain import swedish
from bot.domain.report_reading.vocabulary import SMALL_WORDS

# --- Words ----------------------------------------------------------------------------------


# Words that make a question "what was promised".
PLEDGE_WORDS = swedish.folds(
    """
    lovat lovar lovade lova lovats lovas utlovat utlovade utlovats löfte löften löftena löftet
    löftes löftenas åtagande åtaganden åtagandena promise promised promises pledge pledged
    pledges commitment commitments
    """
)
PLEDGE_PREFIXES = ("medborgarlofte", "atagande", "fokusomrade")
PLEDGE_SUFFIXES = ("lofte", "loften", "loftena", "loftet")

# Words that make a question "how is it going", whatever else it says.
PROGRESS_WORDS = swedish.folds(
    """
    läget läge lägen status statusen framsteg hållit håller hållits uppfyllt uppfyller
    uppfylla uppfyllda uppfyllts infriat infriar infria infriade infriats klarat klarar klarade
    hunnit progress update updates result results kept keep keeping fulfil fulfill fulfilled
    fulfilling delivered achieved
    """
)
PROGRESS_PREFIXES = (
    "lagesrapport",
    "lagesbild",
    "uppfoljning",
    "resultat",
    "redovisning",
    "uppdatering",
    "framsteg",
    "progress",
)

STRONG_PROGRESS_RES = (
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
PLEDGE_RES = (
    re.compile(r" vad (?:ska|skall|tanker|kommer) (?:\w+ ){0,3}(?:gora|jobba|arbeta) "),
    re.compile(r" what will (?:\w+ ){0,3}do "),
)
WEAK_PROGRESS_RES = (
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
HAVE = swedish.folds("har hade")
SUPINE_ENDINGS = ("at", "it", "tt", "rt", "kt", "lt", "nt", "st", "ft", "pt", "ts")
NOT_SUPINE = swedish.folds(
    "det allt inget något mycket litet lovat natt just sett rätt fått nyligen inte sagt alltid"
)

# Chit-chat that is not about the promises.
CHIT_CHAT_RES = (
    re.compile(r"^ (?:how are you|what are you)(?: doing)?(?: today)? $"),
    re.compile(r" hur mar (?:du|ni) "),
    re.compile(r" hur (?:gar|ar) det (?:med|for) dig "),
)

# A request to do something else: never a question we read, unless it clearly asks one.
REQUEST_WORDS = swedish.folds(
    """
    anmäla anmälan anmäl prenumerera prenumeration avsluta avprenumerera sluta stopp stoppa
    ringa ring kontakta skicka radera glöm synpunkt synpunkter klaga klagomål subscribe
    unsubscribe stop call contact send delete forget complain hjälp help
    """
)

POLICE_WORDS = swedish.folds("polisen polis poliser poliserna polisens polisernas police cops")
MUNICIPALITY_BODY_WORDS = swedish.folds("kommunen kommunens municipality council")
KOMMUN_SUFFIX = swedish.folds("kommun kommuns")
PLACE_PREPOSITIONS_SV = swedish.folds("i för inom")
PLACE_PREPOSITIONS_EN = swedish.folds("in for")
BODY_PLACE_PREPOSITIONS = swedish.folds("i in inom within")

# Words that may stand beside a name or a topic in a message that only names them.
FILLER = swedish.folds(
    """
    i för med om och kommun kommuns det den då nu in the of about what and then at on hos inom
    just igen än hur är e vad säger sägs gäller angående beträffande nytt nya nyheter
    berätta visa kan du ni jag vill veta undrar gärna lite mer info tell show me more
    på any some
    """
)

# Words never taken as a topic (or as an unknown place): question words, small words, time.
STOP = (
    FILLER
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
NOT_A_NAME = STOP | swedish.folds(
    """
    trafiken skolorna skolan vinden klippan tranan totala moraliska ungdomarna narkotikan
    droger drogerna föräldrar integrationen samverkan samarbetet tryggheten våldet
    """
)

# Municipality names that are also everyday words: they need a sign that a place is meant.
EVERYDAY_NAMES = swedish.folds(
    "vara mark åre berg boden ånge malå ale lund kinda mora kil salem klippan nora sala"
)
# Words of two-word names that do not name the municipality on their own.
GENERIC_NAME_WORDS = swedish.folds(
    "östra västra norra södra lilla stora övre nedre upplands dals salen"
)

# Topic-looking words, to read "trafiken i Haparanda" as a question before the topics are
# known and never to take "skolorna" for an unknown place. Keys, compared as prefixes.
TOPIC_STEMS = swedish.keys(
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
LONG_TOPIC_STEMS = tuple(sorted(s for s in TOPIC_STEMS if len(s) >= 4))

# Related words: the key of a question word → keys it also stands for.
RELATED_WORDS: dict[str, tuple[str, ...]] = {
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
ENGLISH_WORDS: dict[str, tuple[str, ...]] = {
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
AREA_IGNORE = swedish.folds("fokus mer ökad ökat bättre arbete arbetet område")

# Words of questions that are not English, and words that are (as written, lower-cased).
ENGLISH_MARKERS = swedish.lowers(
    """
    how what which is it its going goes the did does do promise promised promises pledge
    pledges police municipality council with about are things have has been done you your
    they their of progress results update any there doing far many much and to kept keep made
    on track hello hi thanks thank please schools traffic drugs visited happened in for a an
    so this that was were we our can will would my me youth young
    """
)
SWEDISH_MARKERS = swedish.lowers(
    """
    hur vad vilka vilken det går gick har hade ni och med är lovat lovade polisen kommunen
    läget för på om till gör gjort löften löftena medborgarlöften inte nu kommun kommuns tack
    hej hallå bra man också skolorna trafiken besökt hänt vi jag du mig dig att en ett som
    där här än
    """
)

# A lower-case word in the definite form ("i praktiken", "i skolorna") is not a place name.
DEFINITE_ENDINGS = ("en", "et", "an", "na", "ena")

YEAR_RE = re.compile(r"(?:19|20)\d\d")
