"""The field's words: what police and kommuner do under medborgarlöften, and what people call it.

A pledge says "trafikkontroller"; an officer writes "fartkontroll på 52:an", "blåste 40 förare"
or, in English, "speed check". A promise page says "synlig polis"; a colleague writes
"fotpatrull" or "var ute på torget". This module holds those words as data, grouped into
*concepts* — one kind of activity each — so that the reader of reporters' messages, the
answers to citizens' questions and the page importer can connect a text's words to a
pledge's words.

Pure data and small helpers, no I/O. Words are written as people write them (lower case, with
å, ä and ö); callers fold and stem them as they need.

* ``Concept.terms`` are Swedish words and phrases for the activity, ``english`` the English
  ones reporters use. Neither holds words too common to point at one activity on their own
  ("möte", "besök", "kontroll"): a reader would have to treat those as weak anyway.
* ``Concept.broader`` names a wider concept: a speed check is a traffic control. A pledge about
  traffic controls in general is met by every narrower kind; a pledge about speed checks only
  by speed-check words.

``terms_for(key)`` gives a concept's words with those of every narrower concept;
``concepts_naming(word)`` the concepts whose words include a word or phrase.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

__all__ = ["CONCEPTS", "Concept", "concept", "concepts_naming", "narrower", "terms_for"]


@dataclass(frozen=True, slots=True)
class Concept:
    """One kind of activity: a key, a short Swedish label, and the words for it."""

    key: str
    label: str
    terms: tuple[str, ...]
    english: tuple[str, ...] = ()
    broader: str | None = None

    @property
    def words(self) -> tuple[str, ...]:
        """Every word and phrase for the concept, Swedish first."""
        return self.terms + self.english


def _c(key: str, label: str, terms: str, english: str = "", broader: str | None = None) -> Concept:
    """A concept from ';'-separated word lists (kept readable as data)."""

    def split(text: str) -> tuple[str, ...]:
        return tuple(t.strip() for t in text.split(";") if t.strip())

    return Concept(key, label, split(terms), split(english), broader)


CONCEPTS: tuple[Concept, ...] = (
    # --- Traffic ------------------------------------------------------------------------------
    _c(
        "trafikkontroll",
        "trafikkontroll",
        "trafikkontroll; trafikkontroller; trafikövervakning; vägkontroll; trafikinsats; "
        "trafiksäkerhetskontroll; kontroll i trafiken; poliskontroll",
        "traffic control; traffic check; road check; traffic stop; roadside check",
    ),
    _c(
        "hastighetskontroll",
        "hastighetskontroll",
        "hastighetskontroll; hastighetsövervakning; fartkontroll; hastighetsmätning; "
        "lasermätning; laserkontroll; radarkontroll; fartövervakning",
        "speed check; speed control; speed trap; speeding control",
        broader="trafikkontroll",
    ),
    _c(
        "nykterhetskontroll",
        "nykterhetskontroll",
        "nykterhetskontroll; alkoholkontroll; rattfyllerikontroll; rattfylleri; rattonykterhet; "
        "blåskontroll; nykterhetskontroller",
        "sobriety check; breath test; drink driving; drunk driving",
        broader="trafikkontroll",
    ),
    _c(
        "drograttfylleri",
        "drograttfylleri",
        "drograttfylleri; drogkontroll i trafiken; drogpåverkad förare; ögonkontroll",
        "drug driving",
        broader="trafikkontroll",
    ),
    _c(
        "yrkestrafikkontroll",
        "yrkestrafikkontroll",
        "yrkestrafikkontroll; yrkestrafik; tungtrafikkontroll; tung trafik; lastbilskontroll; "
        "busskontroll; taxikontroll; kör och vilotid; kör- och vilotider",
        "heavy vehicle check; truck check; commercial vehicle",
        broader="trafikkontroll",
    ),
    _c(
        "bilbälteskontroll",
        "bälteskontroll",
        "bältekontroll; bälteskontroll; bilbälteskontroll; mobilkontroll; mobil vid ratten",
        "seatbelt check",
        broader="trafikkontroll",
    ),
    _c(
        "skoterkontroll",
        "skoterkontroll",
        "skoterkontroll; snöskoterkontroll; skoterled; skoteråkning; terrängkörning",
        "snowmobile check",
        broader="trafikkontroll",
    ),
    _c(
        "mopedkontroll",
        "moped, epa och a-traktor",
        "mopedkontroll; moped; mopeder; epa-kontroll; epa; epatraktor; a-traktor; "
        "a-traktorkontroll; motorburen ungdom; motorburna ungdomar; buskörning",
        "moped check",
        broader="trafikkontroll",
    ),
    # --- Being seen -----------------------------------------------------------------------------
    _c(
        "synlig_polis",
        "synlig polis och närvaro",
        "synlig polis; synlighet; närvaro; polisiär närvaro; fotpatrull; fotpatrullering; "
        "patrull; patrullering; patrullerade; cykelpatrull; polis på plats; närpolis; vara synlig; "
        "trygghetsskapande närvaro; ute på stan; fanns på torget; var på torget; ute på torget; "
        "fanns på plats; fanns i centrum; ute i centrum",
        "foot patrol; patrol; patrolling; visible policing; police presence",
    ),
    _c(
        "trygghetsvandring",
        "trygghetsvandring",
        "trygghetsvandring; trygghetsvandringar; trygghetsinventering; trygghetsrond",
        "safety walk",
    ),
    _c(
        "nattvandring",
        "nattvandring",
        "nattvandring; nattvandrare; nattvandrade; vuxna på stan; vuxna ute; föräldravandring",
        "night walk; night patrol",
    ),
    # --- School -------------------------------------------------------------------------------
    _c(
        "skolbesok",
        "skolbesök",
        "skolbesök; klassbesök; rastbesök; rastverksamhet; besök i skolan; besök på skolan; "
        "skolgårdsbesök; spontanbesök",
        "school visit",
    ),
    _c(
        "lektion",
        "lektion",
        "lektion; lektioner; föreläsning; klassrumsbesök; undervisning; lektionspass",
        "lesson; lecture; class talk",
    ),
    _c(
        "hogstadiet",
        "högstadiet (åk 7–9)",
        "högstadiet; högstadieelever; högstadieskola; åk 7-9; årskurs 7-9",
        "secondary school",
    ),
    _c(
        "ak7",
        "årskurs 7",
        "åk 7; årskurs 7; sjuan; sjuorna; sjuor; sjundeklassare; sjundeklasser",
        "year 7; grade 7",
        broader="hogstadiet",
    ),
    _c(
        "ak8",
        "årskurs 8",
        "åk 8; årskurs 8; åttan; åttorna; åttor; åttondeklassare; åttondeklasser",
        "year 8; grade 8",
        broader="hogstadiet",
    ),
    _c(
        "ak9",
        "årskurs 9",
        "åk 9; årskurs 9; nian; niorna; nior; niondeklassare; niondeklasser",
        "year 9; grade 9",
        broader="hogstadiet",
    ),
    _c(
        "foraldramote",
        "föräldramöte",
        "föräldramöte; föräldramöten; föräldraträff; föräldrakväll; föräldrafika; "
        "vårdnadshavarmöte; möte med föräldrar; möte med vårdnadshavare",
        "parents meeting; parent meeting; parents evening",
    ),
    _c(
        "fritidsgard",
        "fritidsgård",
        "fritidsgård; fritidsgårdsbesök; ungdomsgård; ungdomens hus; träffpunkt för unga",
        "youth club; youth centre",
    ),
    _c(
        "andt",
        "ANDT-förebyggande",
        "andt; andt-utbildning; drogutbildning; drogförebyggande; drogvaneundersökning; "
        "drogvanor; tobaksprevention",
        "drug prevention",
    ),
    # --- Talks and people -------------------------------------------------------------------------
    _c(
        "orossamtal",
        "orossamtal",
        "orossamtal; oros samtal; samtal med vårdnadshavare; hembesök hos familj",
        "concern talk; talk with parents",
    ),
    _c(
        "medborgardialog",
        "medborgardialog",
        "medborgardialog; invånardialog; trygghetsdialog; dialogmöte; medborgarmöte; öppet möte; "
        "öppet hus",
        "citizen dialogue; public meeting; town hall",
    ),
    _c(
        "grannsamverkan",
        "grannsamverkan",
        "grannsamverkan; grannsamverkansmöte; grannstöd; grannstödjare",
        "neighbourhood watch; neighborhood watch",
    ),
    _c(
        "samverkan",
        "samverkansmöte",
        "samverkansmöte; samverkansgrupp; brå-möte; brottsförebyggande råd; lokala brå; "
        "ssp-möte; ssp; ssph; samverkansöverenskommelse",
        "partnership meeting",
    ),
    _c(
        "sociala_insatsgrupper",
        "sociala insatsgrupper",
        "sociala insatsgrupper; social insatsgrupp; insatsgrupp; sig-möte",
        "social action group",
    ),
    # --- Places and licences ----------------------------------------------------------------------
    _c(
        "krogtillsyn",
        "krogtillsyn",
        "krogtillsyn; krogkontroll; krogbesök; restaurangtillsyn; serveringstillsyn; "
        "alkoholtillsyn; tillsyn på krog; ansvarsfull alkoholservering; serveringsställe",
        "pub check; bar inspection; licensing check",
    ),
    _c(
        "tobakstillsyn",
        "tobakstillsyn",
        "tobakstillsyn; tobakskontroll; kontrollköp; tillsyn av tobak",
        "tobacco inspection",
    ),
    _c(
        "droginsats",
        "insats mot narkotika",
        "droginsats; narkotikainsats; narkotikaspaning; insats mot narkotika; insats mot droger; "
        "langning",
        "drug operation; drug raid",
    ),
    # --- Information and events -------------------------------------------------------------------
    _c(
        "information",
        "information till invånare",
        "informationsinsats; nyhetsbrev; utskick; informationsträff; informationsblad; "
        "information till invånare; info till invånare",
        "newsletter; information campaign",
    ),
    _c(
        "brottsforebyggande_info",
        "brottsförebyggande råd till invånare",
        "inbrottsförebyggande; stöldskyddsmärkning; skyddsmärkning; bedrägeriinformation; "
        "information om bedrägerier",
        "fraud awareness",
    ),
    _c(
        "evenemang",
        "evenemang",
        "evenemang; festival; julmarknad; marknad; konsert; idrottsevenemang; valborg; "
        "midsommar; nyårsafton; storhelg",
        "event; festival",
    ),
    _c(
        "trygghetsmatning",
        "trygghetsmätning",
        "trygghetsmätning; trygghetsenkät; trygghetsundersökning; medborgarundersökning",
        "safety survey",
    ),
)

_BY_KEY = {c.key: c for c in CONCEPTS}


def concept(key: str) -> Concept:
    """The concept with this key; KeyError when there is none."""
    return _BY_KEY[key]


@cache
def narrower(key: str) -> tuple[str, ...]:
    """The keys of the concepts under ``key`` (its kinds, their kinds, …), not ``key`` itself."""
    found: list[str] = []
    for c in CONCEPTS:
        if c.broader == key:
            found.append(c.key)
            found.extend(narrower(c.key))
    return tuple(found)


@cache
def terms_for(key: str) -> tuple[str, ...]:
    """Every word for a concept and for each of its narrower concepts, without repeats."""
    words: list[str] = []
    for k in (key, *narrower(key)):
        words.extend(_BY_KEY[k].words)
    return tuple(dict.fromkeys(words))


def concepts_naming(words: str | Iterable[str]) -> tuple[Concept, ...]:
    """The concepts one of whose words is one of ``words`` (compared in lower case)."""
    wanted = {words.lower()} if isinstance(words, str) else {w.lower() for w in words}
    return tuple(c for c in CONCEPTS if wanted.intersection(w.lower() for w in c.words))
