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

The modules: ``model`` (the public data), ``tuning`` (weights and thresholds), ``vocabulary``
(the words of each kind of question, stop words, topic words), ``field`` (the field's lexicon
linked to pledges), ``places`` (the municipality named, ``find_municipality``), ``topics`` (what
the question is about) and ``reader`` (kind, responsible party, unknown place and
``read_question``). Folding, stemming, typos and tokenising are ``bot.domain.swedish``'s.
"""

from __future__ import annotations

from bot.domain.questions.model import Kind, Question, Responsible, Topic
from bot.domain.questions.places import find_municipality
from bot.domain.questions.reader import read_question

__all__ = [
    "Kind",
    "Question",
    "Responsible",
    "Topic",
    "find_municipality",
    "read_question",
]
