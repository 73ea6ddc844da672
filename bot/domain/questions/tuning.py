"""The weights and thresholds of the question reader, in one place."""

from __future__ import annotations

# --- Tuning ---------------------------------------------------------------------------------

# A longer message is not a question we read: at most this many characters and words.
MAX_WORDS = 40

# Names: one typing error, on names of at least this many letters.
NAME_TYPO_MIN = 6
NAME_WINDOW = 3  # the most words a name is written in

# Topic word matches (the factor of one question word against one term word).
F_SAME = 1.0
F_TYPO = 0.85
F_COMPOUND_IN_QUESTION = 0.85  # "vägtrafikkontroll" for "trafikkontroll"
F_FIRST_PART = 0.8  # "trafiken" for "trafikkontroller"
F_QUESTION_FIRST_PART = 0.8  # "trafikolyckor" for "trafik"
F_HEAD = 0.6  # "kontroller" for "trafikkontroll"
F_RELATED = 0.9  # "knark" for "narkotika"
F_TEXT = 0.45  # a word of the pledge's full text

W_SHORT_NAME = 1.0
W_SYNONYM = 0.9
W_AREA = 1.0
W_LEXICON = 0.8  # a word of the field's lexicon for what the pledge's own words name
W_LEXICON_NARROWER = 0.75  # … for a narrower kind of it (a speed check for traffic controls)
MULTI_BASE = 0.55  # a multi-word term: 0.55 + 0.45 × the share of its words named
EXTRA_WORD_BONUS = 0.1  # another question word naming the same pledge

PLEDGE_MIN = 0.5
PLEDGE_WINDOW = 0.25  # pledges this close to the best are named too
AREA_MIN = 0.75
EPSILON = 1e-9

MEMO_MAX = 4096
FROZEN_MAX = 8
