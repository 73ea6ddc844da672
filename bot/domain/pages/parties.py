"""Who keeps a pledge: "polisen", "kommunen" or "båda".

Rules:
- The subject is the run of words at the start of a sentence made of party words ("Polisen",
  "kommunen", "Härjedalens kommun", "Haparanda stad", "Lokalpolisområde Östra Norrbotten",
  "socialtjänsten", …), capitalised names and connectors ("och", "samt", "i").
- Police words and municipality words together, or "vi"/"tillsammans"/"gemensamt" alone, make
  the pledge joint ("båda"). "Vi" is returned as such so that the caller can use the context
  (a "Polisens del" heading makes "vi" the police).
- Without a subject, a party named in parentheses ("(Haparanda stad och polisen)") or after
  "Ansvarig:" decides.
- A named co-actor upgrades a single party to "båda": "Polisen genomför tillsammans med …
  kommun", "Polisen lovar att i samverkan med kommunen …".
"""

from __future__ import annotations

import re
from typing import Literal

from bot.domain.pages.model import Responsible

Subject = Responsible | Literal["vi"]

_POLICE_WORDS = frozenset(
    {
        "polisen",
        "polis",
        "polisens",
        "poliserna",
        "polismyndigheten",
        "polismyndighetens",
        "lokalpolisen",
        "lokalpolisens",
        "kommunpolisen",
        "kommunpolis",
        "kommunpoliserna",
        "närpolisen",
        "områdespolisen",
        "områdespoliserna",
        "områdespolis",
        "ungdomspolisen",
        "ungdomspoliserna",
        "lokalpolisområde",
        "lokalpolisområdet",
        "lokalpolisområdets",
        "polisområde",
        "polisområdet",
        "trafikpolisen",
        "gränspolisen",
    }
)
_MUNICIPAL_WORDS = frozenset(
    {
        "kommunen",
        "kommun",
        "kommuns",
        "kommunens",
        "stad",
        "staden",
        "stads",
        "stadens",
        "socialtjänsten",
        "socialförvaltningen",
        "skolan",
        "skolorna",
        "skola",
        "fritidsgården",
        "fritidsgårdarna",
        "fritidsförvaltningen",
        "räddningstjänsten",
        "trygghetssamordnaren",
        "trygghetssamordnare",
        "fältgruppen",
        "fältassistenterna",
        "fältassistenter",
        "fältgrupp",
        "fältarbetarna",
        "kommunstyrelsen",
        "utbildningsförvaltningen",
        "elevhälsan",
        "samhällsbyggnadsförvaltningen",
        "gatukontoret",
        "tekniska",
        "förvaltningen",
        "förvaltningar",
        "kommunala",
    }
)
_MUNICIPAL_ENDINGS = ("förvaltningen", "förvaltning", "nämnden", "nämnd")


def _municipal(word: str) -> bool:
    """A word for the kommun or one of its offices ("stadsdelsförvaltningen")."""
    return word in _MUNICIPAL_WORDS or word.endswith(_MUNICIPAL_ENDINGS)


_JOINT_WORDS = frozenset({"vi", "tillsammans", "gemensamt", "parterna", "båda", "både"})
_CONNECTORS = frozenset({"och", "samt", "i", "&", "med", "+"})
_TOKEN_RE = re.compile(r"[\wåäöÅÄÖéÉü&+-]+")


def _party_of(has_police: bool, has_municipal: bool) -> Responsible | None:
    if has_police and has_municipal:
        return "båda"
    if has_police:
        return "polisen"
    if has_municipal:
        return "kommunen"
    return None


def subject_of(text: str) -> tuple[Subject | None, int]:
    """The party that is the subject of ``text`` and how many words the subject spans."""
    tokens = text.split()[:12]
    has_police = has_municipal = has_joint = has_we = False
    consumed = 0
    for raw in tokens:
        match = _TOKEN_RE.search(raw)
        if not match:
            break
        word = match.group(0)
        lower = word.lower()
        if lower in _POLICE_WORDS:
            has_police = True
        elif _municipal(lower):
            has_municipal = True
        elif lower in _JOINT_WORDS:
            has_joint = True
            has_we = has_we or lower == "vi"
        elif lower in _CONNECTORS:
            pass
        elif not word[:1].isupper():
            break
        consumed += 1
        if raw.endswith((",", ".", ":", ";", ")")):
            break
    party = _party_of(has_police, has_municipal)
    if party is not None:
        if has_joint and tokens[0].lower().strip(",") in ("tillsammans", "gemensamt"):
            return "båda", consumed
        return party, consumed
    if has_joint:
        return ("vi" if has_we and consumed <= 2 else "båda"), consumed
    return None, 0


def parties_in(words: str) -> Responsible | None:
    """The party named anywhere in a short phrase ("Haparanda stad och polisen")."""
    lowered = [t.lower() for t in _TOKEN_RE.findall(words)]
    has_police = any(t in _POLICE_WORDS for t in lowered)
    has_municipal = any(_municipal(t) for t in lowered)
    return _party_of(has_police, has_municipal)


_PAREN_RE = re.compile(r"\(([^()]{2,80})\)")
_ANSVAR_RE = re.compile(r"\bansvarig(?:a)?(?: part(?:er)?)?\s*[:–-]\s*([^.;\n]{2,80})", re.I)
_CO_ACTOR_RE = re.compile(
    r"\b(?:tillsammans|i samverkan|i samarbete|ihop|gemensamt)\s+med\s+([^.;:]{0,90})",
    re.IGNORECASE,
)


def stated_party(text: str) -> Responsible | None:
    """A party named in parentheses or after "Ansvarig:" (for pledges without a subject)."""
    for match in _ANSVAR_RE.finditer(text):
        party = parties_in(match.group(1))
        if party:
            return party
    for match in _PAREN_RE.finditer(text):
        inner = match.group(1)
        if len(inner.split()) <= 8:
            party = parties_in(inner)
            if party:
                return party
    return None


def with_co_actors(party: Responsible, text: str) -> Responsible:
    """Upgrade a single party to "båda" when the text names the other one as a co-actor."""
    if party == "båda":
        return party
    for match in _CO_ACTOR_RE.finditer(text):
        other = parties_in(match.group(1))
        if other is None:
            continue
        if other == "båda" or other != party:
            return "båda"
    return party
