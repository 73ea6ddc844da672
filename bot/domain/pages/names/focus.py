"""Names for focus areas: from a heading, or from an introduction's aim."""

from __future__ import annotations

import re

# ---------------------------------------------------------------------------------------------
# Focus areas

_FOCUS_PREFIX_RE = re.compile(
    r"^(?:fokusområde|fokus|område|prioriterat område|prioritering)\s*\d*\s*[:.–—-]\s*"
    r"|^\d{1,2}[.)]\s*",
    re.IGNORECASE,
)
_INTRO_AIM_RE = re.compile(
    r"\b(?:arbeta|verka|jobba)\s+(?:för|med|mot)\s+(?P<aim>[^.:;,]+)", re.IGNORECASE
)
_AIM_STOP_RE = re.compile(
    r"\s+(?:i\s+(?:[A-ZÅÄÖ]|kommunen\b|hela\b)|genom\b|för\s+(?:medborgarna|invånarna|alla)\b|"
    r"samt\b|och\s+arbeta\b|utifrån\b|inom\b)"
)
_AIM_LEAD_RE = re.compile(
    r"^(?:att\s+(?:öka|minska|förbättra|stärka|främja|skapa)\s+|"
    r"(?:ökad|ökat|ökade|minskad|minskat|förbättrad|stärkt|en|ett|bättre)\s+)+",
    re.IGNORECASE,
)


_ROAD_RE = re.compile(r"[a-zåäö]{1,3}\d{1,4}")  # "e45", "rv84": a road keeps its capitals


def sentence_case(heading: str, acronyms: frozenset[str]) -> str:
    """ "ALKOHOL, NARKOTIKA OCH ANDT" -> "Alkohol, narkotika och ANDT" (known acronyms kept)."""
    words = re.split(r"(\W+)", heading.lower())
    out = [w.upper() if w.upper() in acronyms or _ROAD_RE.fullmatch(w) else w for w in words]
    text = "".join(out)
    return text[:1].upper() + text[1:]


def focus_name(heading: str, acronyms: frozenset[str]) -> str:
    """A focus area's name from its heading."""
    name = _FOCUS_PREFIX_RE.sub("", heading.strip()).strip(" :.–—-")
    if not name:
        name = heading.strip(" :")
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 3:
        name = sentence_case(name, acronyms)
    return name


def focus_name_from_intro(text: str) -> str | None:
    """ "Polisen och kommunen lovar att arbeta för ökad trafiksäkerhet i X" -> "Trafiksäkerhet"."""
    match = _INTRO_AIM_RE.search(text)
    if not match:
        return None
    aim = _AIM_STOP_RE.split(match.group("aim"), maxsplit=1)[0].strip()
    aim = _AIM_LEAD_RE.sub("", aim).strip()
    if not aim or len(aim.split()) > 5:
        return None
    return aim[:1].upper() + aim[1:]
