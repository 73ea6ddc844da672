"""The weights and thresholds of the reader, in one place."""

from __future__ import annotations

# --- Tuning ---------------------------------------------------------------------------------

DECIDE_MIN = 0.75
# A second pledge this strong on other words means the message names two activities.
TWO_ACTIVITIES_MIN = 0.9
MARGIN_SAME_MUNICIPALITY = 0.1
MARGIN_OTHER_MUNICIPALITY = 0.2
CANDIDATE_MIN = 0.4
CANDIDATE_WINDOW = 0.45
MAX_CANDIDATES = 4
EPSILON = 1e-9

W_SHORT_NAME = 1.0
W_SYNONYM = 0.9
W_LEXICON = 0.8  # a word of the field's lexicon for what the pledge names
W_UNIT = 0.72
W_GENERIC = 0.5
W_SHORT_WORD = 0.6
W_CAPITALS = 0.85
W_SMALL_WORD = 0.3

M_COMPOUND_HEAD = 0.9  # "vägtrafikkontroll": the term is the head of the word
M_COMPOUND_MODIFIER = 0.8  # "skolbesöksdag": the term is the first part of the word
M_JOINED = 0.95  # "föräldra möte", "andtutbildning"
M_TYPO = 0.85
M_PARTIAL = 0.6  # "kontroller" for "trafikkontroll"
M_LOOSE = 0.95  # a multi-word term with more words in between than it has small words

EXTRA_TERM_BONUS = 0.1
EXTRA_TERM_MAX = 2
COVERAGE_FULL_BONUS = 0.2
COVERAGE_PART_BONUS = 0.1

# How many later numbers are tried as the start of a second day.
MAX_DAY_RETRIES = 8
