"""Reading a reporter's one-message activity log written in ordinary Swedish.

Officers and municipal staff log what they did in one message from a phone: "Skolbesök på Sveg
skola idag", "3 trafikkontroller E45 igår", "besökte HVB-boendet, 2 timmar". ``read_report``
works out which pledge the message is about, the count, the day and the place. It decides only
when the reading is unambiguous; otherwise it leaves ``pledge`` None (or ``count_sure`` False)
and returns the plausible candidates so that the bot can ask with buttons. A wrong reading is
worse than a question, so every rule here errs on the side of asking.

Pure functions, no I/O, no clock: "today" and the hour are parameters.

How a message is read:

* Words are lower-cased, split on hyphens and punctuation and between letters and digits
  ("åk8" → "åk 8", "HVB-boendet" → "hvb boendet"), stemmed with the Snowball Swedish stemmer
  plus a few definite endings it leaves ("skolan", "tipset", "evenemanget") and a trailing
  genitive "s", then folded (å/ä → a, ö → o) so that "foraldramote" matches "föräldramöte".
* Each pledge has terms: its short name, its synonyms and its unit. A term matches as the same
  stem (inflections), as a compound ("vägtrafikkontroll", "skolbesöksdag"), as a split compound
  ("föräldra möte", "andtutbildning"), with about one typing error on words of five letters or
  more, or — weakly — as the head of a compound term ("kontroller" for "trafikkontroll").
  Multi-word terms match as consecutive stems; their small words ("i", "med", "om") may differ.
* Weights: the short name 1.0, a synonym 0.9, a unit 0.72, a generic word 0.5 ("skola", "möte",
  "tips" and any synonym that is part of another pledge's terms in the same municipality), a
  short one (four letters or less) 0.6 — 0.85 when written in capitals ("HVB", "VNR") — and a
  common small word ("sig") 0.3. Further terms of the same pledge on other words add 0.1 each
  (at most 0.2); a coverage item named in the text adds 0.1 (partly) or 0.2 (fully).
* A pledge is decided when its score is at least 0.75, the runner-up of the same municipality
  is at least 0.1 behind, a runner-up of another municipality at least 0.2 behind, no other
  pledge is named strongly (0.9) on other words ("skolbesök och trafikkontroll"), and nothing
  in the message says the activity did not happen, is only planned or is in doubt
  ("inställt", "inte", "ska", "fel", a question mark). A municipality named in the text ("i
  Åsele", "Åsele:") restricts the pledges to that municipality's.
* Counts: a number in front of "gång(er)", "tillfälle(n)", "st", "x" or a word of the chosen
  pledge ("3 trafikkontroller", "tre kontroller", "2 st", "två gånger", "en gång", "3x",
  "lag och rätt i två klasser" with the unit "klassbesök") is sure. Durations, clock times,
  road numbers, school years, dates, ages, years, amounts, speeds and numbers of people or
  vehicles ("40 förare") are never counts. A number that cannot be placed ("skolbesök Sveg 3",
  "tre klasser" for a school visit), an approximate one ("ca 3"), a range ("3-4") or two
  different sure counts make the count unsure. "0", "noll", "inga" before the activity give
  the problem "zero"; "-3" "negative"; more than ``MAX_COUNT`` "too_large".
* The day comes from ``bot.domain.dates.find_day`` (today when none is named). Its problems
  ("future", "too_old", "invalid") are passed on, and one more is added: "unclear" when the
  text names a time that is no single past day ("förra veckan", "i helgen", "v.47", "i år"),
  "på fredag" (the last Friday or the coming one?), or two different days. The day is None
  whenever there is a problem.
* The place is a phrase after "på", "i", "vid", "utanför", "längs", "mot", "hos" or "genom", a
  road ("E45", "Rv 84", "väg 311"), a capitalised name, or a coverage item's name in the text;
  as written, without dates, counts and punctuation; None when unsure (a lower-case word after
  a preposition is a place only with a place noun: "på sveg skola", not "hos familjen"). A
  municipality name alone is not a place: it goes to ``municipality``.

The modules: ``model`` (the public data), ``tuning`` (weights and thresholds), ``vocabulary``
(message words, word lists and patterns, matching one word), ``pledges`` (compiled pledges and
matching terms), ``coverage``, ``counts``, ``places`` (the place and the municipalities named)
and ``reader`` (``read_report`` and ``day_options``). Folding, stemming, typos and tokenising are
``bot.domain.swedish``'s.
"""

from __future__ import annotations

from bot.domain.report_reading.coverage import match_coverage
from bot.domain.report_reading.model import (
    MAX_COUNT,
    Candidate,
    CountProblem,
    CoverageChoice,
    PledgeChoice,
    ReportReading,
)
from bot.domain.report_reading.reader import day_options, read_report

__all__ = [
    "MAX_COUNT",
    "Candidate",
    "CountProblem",
    "CoverageChoice",
    "PledgeChoice",
    "ReportReading",
    "day_options",
    "match_coverage",
    "read_report",
]
