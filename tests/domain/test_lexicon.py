"""The field's words (``bot.domain.lexicon``)."""

from __future__ import annotations

from bot.domain.lexicon import CONCEPTS, concept, concepts_naming, narrower, terms_for


def test_concepts_are_unique_and_point_at_known_broader_ones() -> None:
    keys = [c.key for c in CONCEPTS]
    assert len(keys) == len(set(keys))
    assert all(c.broader in keys for c in CONCEPTS if c.broader)
    assert all(c.terms for c in CONCEPTS)
    assert all(t == t.lower() for c in CONCEPTS for t in c.words)


def test_the_activities_of_the_field_are_there() -> None:
    wanted = [
        "trafikkontroll", "hastighetskontroll", "nykterhetskontroll", "yrkestrafikkontroll",
        "fotpatrull", "närvaro", "synlig polis", "skolbesök", "lektion", "klassbesök", "åk 7",
        "åttorna", "nian", "trygghetsvandring", "nattvandring", "föräldramöte", "krogtillsyn",
        "grannsamverkan",
    ]  # fmt: skip
    for word in wanted:
        assert concepts_naming(word), word


def test_a_general_concept_takes_its_kinds_words_and_not_the_reverse() -> None:
    assert "hastighetskontroll" in narrower("trafikkontroll")
    assert "fartkontroll" in terms_for("trafikkontroll")
    assert "trafikkontroll" not in terms_for("hastighetskontroll")
    assert "nian" in terms_for("hogstadiet")
    assert concept("ak9").broader == "hogstadiet"


def test_english_words_are_kept_apart() -> None:
    traffic = concept("trafikkontroll")
    assert "traffic control" in traffic.english
    assert "traffic control" in traffic.words
    assert "traffic control" not in traffic.terms
