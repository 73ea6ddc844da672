"""Short names for pledges and names for focus areas.

Short name rules (Swedish, lower case but acronyms as written ("ANDT", "SFI", "E45"), 1–3
content words, unique within a page, never only function words such as "sig" or "och"):
1. A pledge that has its own heading (follow-up pages) is named by the heading, cut at a comma,
   colon, dash or parenthesis ("Samverkan mot alkohol och droger, svegsmodellen" →
   "samverkan mot alkohol och droger").
2. A quoted programme name with a capital letter ("Lag och Rätt", "Tobaksfri DUO"), plus
   "åk N" when the pledge names a school year.
3. A phrase in front of an acronym in parentheses ("sociala insatsgrupper (SIG)").
4. Otherwise the key noun phrase of the first sentence, after dropping the subject, "lovar att",
   modal verbs, co-actors ("i samverkan med …"), numbers and frequencies:
   - a visit names the visited place: "besöka skolorna" → "skolbesök", else "besök <object>";
   - being present somewhere ("finns tillgänglig på X") → "närvaro på X";
   - "samverka vid X" → "samverkan vid X";
   - "möten med föräldrar" → "föräldramöten";
   - the object's head noun, with a topic ("mot droger", "om samarbeten", "rörande trafik" →
     "trafik"); a vague head ("insatser", "arbete", "information", "kunskap", …) gets the
     topic, else its nearest adjective, else its place ("arbetstid i ytterområden"), else the
     verb ("förbättra samverkan").
Focus names: a heading (CAPITALS become sentence case, acronyms used elsewhere on the page stay
upper case; "Fokusområde 1:" and numbering are dropped), or, when a section holds several
"… lovar att arbeta för X … genom att:" blocks, X ("ökad trafiksäkerhet" → "Trafiksäkerhet").
"""

from __future__ import annotations

from bot.domain.pages.names.focus import focus_name, focus_name_from_intro, sentence_case
from bot.domain.pages.names.short import (
    NOT_NAMES,
    content_words,
    derive_short_name,
    hidden_characters,
    is_not_a_name,
    name_from_heading,
    tidy_short_name,
    unique_names,
    with_acronyms,
    without_hidden_characters,
)

__all__ = [
    "NOT_NAMES",
    "content_words",
    "derive_short_name",
    "focus_name",
    "focus_name_from_intro",
    "hidden_characters",
    "is_not_a_name",
    "name_from_heading",
    "sentence_case",
    "tidy_short_name",
    "unique_names",
    "with_acronyms",
    "without_hidden_characters",
]
