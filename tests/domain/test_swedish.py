"""The shared Swedish text tools (``bot.domain.swedish``)."""

from __future__ import annotations

from bot.domain import swedish


def test_fold_and_keys() -> None:
    assert swedish.fold("Föräldramöte") == "foraldramote"
    assert swedish.folds("Åsele HÅBO") == frozenset({"asele", "habo"})
    assert swedish.key("skolan") == swedish.key("skola")
    assert swedish.key("svegs") == swedish.key("sveg")
    assert swedish.key("42") == "42"
    assert swedish.keys("Skolan skola") == frozenset({swedish.key("skola")})


def test_typos() -> None:
    assert swedish.is_typo("haparnda", "haparanda")
    assert not swedish.is_typo("sveg", "svag")  # too short
    assert not swedish.is_typo("haparanda", "japaranda")  # the first letter is wrong
    assert swedish.is_typo("trafikkontroll", "trafikkontorl") is True
    assert swedish.within_edits("asele", "asel", 1)
    assert not swedish.within_edits("asele", "as", 1)


def test_tokenise() -> None:
    tokens = swedish.tokenise("Malung-Sälen. HVB åk8", key_of=swedish.key)
    assert [t.raw for t in tokens] == ["Malung", "Sälen", "HVB", "åk", "8"]
    assert tokens[1].joined_before and not tokens[0].joined_before
    assert tokens[0].sentence_start and tokens[2].sentence_start and not tokens[1].sentence_start
    assert tokens[2].capitals and tokens[0].capital and tokens[4].digit
    assert tokens[1].fold == "salen" and tokens[1].key == swedish.key("sälen")
    assert len(swedish.tokenise("a b c d e", limit=2)) == 3
    assert swedish.words("Två HVB-boenden") == ["två", "hvb", "boenden"]


def test_counted_nouns() -> None:
    assert swedish.plural("tillfälle") == "tillfällen"
    assert swedish.plural("ggr") == "gånger"
    assert swedish.singular("trafikinsatser") == "trafikinsats"
    assert swedish.singular("besök") == "besök"
