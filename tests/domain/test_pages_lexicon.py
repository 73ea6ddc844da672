"""The page import and the field's lexicon: shared concepts in matching, offered synonyms."""

from __future__ import annotations

import pytest

from bot.domain.pages.concepts import broader_of, concepts_in, offered_synonyms
from bot.domain.pages.matching import SURE, Candidate, match_pledges
from tests.domain.lexicon_pairs import HELD_OUT, TUNED, Pair


def _matched(pair: Pair) -> int | None:
    text, responsible, pledges, _ = pair
    [match] = match_pledges(
        [Candidate(text, (), responsible)], [Candidate(t, (), r) for t, r in pledges]
    )
    return match.index


def _keys(text: str) -> set[str]:
    return {c.key for c in concepts_in(text)}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Trafikkontrollerna på E45", "trafikkontroll"),
        ("nattvandrarna var ute", "nattvandring"),
        ("föreningar som nattvandrar", "nattvandring"),
        ("två nya grannstödsområden", "grannsamverkan"),
        ("Speed checks on the main road", "hastighetskontroll"),
        ("närpolis på torget", "synlig_polis"),
    ],
)
def test_concepts_are_found_in_inflected_and_compound_words(text: str, key: str) -> None:
    assert key in _keys(text)


def test_a_short_term_is_never_found_inside_a_longer_word() -> None:
    assert "evenemang" not in _keys("Kommunen satsar på marknadsföring av orten.")
    assert "synlig_polis" not in _keys("Närvarokontroll i skolan")


def test_broader_concepts_nearest_first() -> None:
    assert broader_of("hastighetskontroll") == ("trafikkontroll",)
    assert broader_of("trafikkontroll") == ()


def _one(text: str, pledges: list[tuple[str, str]], responsible: str = "polisen") -> int | None:
    [match] = match_pledges(
        [Candidate(text, (), responsible)], [Candidate(t, (), r) for t, r in pledges]
    )
    return match.index


def test_a_narrower_concept_meets_the_broader_pledge_but_siblings_do_not_meet() -> None:
    speed = [("Polisen genomför hastighetskontroller vid skolorna.", "polisen")]
    general = [("Polisen genomför trafikkontroller på infarterna.", "polisen")]
    assert _one("Lasermätning på infarterna 6 ggr", general) == 0
    # A sobriety check is a traffic control, but not a speed check.
    assert _one("Nykterhetskontroller på landsvägen", speed) is None


def test_a_shared_concept_never_joins_a_police_result_to_a_kommun_pledge() -> None:
    pledges = [
        ("Kommunen stöttar föreningar som nattvandrar.", "kommunen"),
        ("Kommunen byter belysningen i gångtunnlarna.", "kommunen"),
        ("Polisen håller trafikkontroller vid skolorna.", "polisen"),
    ]
    assert _one("Nattvandring med polisens volontärer", pledges, "polisen") is None
    assert _one("Vuxna ute kvällstid varje helg", pledges, "kommunen") == 0


def test_one_pledge_takes_one_result_even_when_both_name_its_concept() -> None:
    pledges = [Candidate("Polisen genomför trafikkontroller på infarterna.", (), "polisen")]
    reported = [
        Candidate("Hastighetsövervakning på infarterna", (), "polisen"),
        Candidate("Fartkontroller, 9 st", (), "polisen"),
    ]
    matches = match_pledges(reported, pledges)
    assert [m.index for m in matches].count(0) == 1


def test_a_concept_only_one_side_names_costs_nothing() -> None:
    pledges = [Candidate("Polisen ska vara i centrum fredag och lördag kväll.", (), "polisen")]
    without = match_pledges([Candidate("Polisen i centrum fredag kväll", (), "polisen")], pledges)
    with_ = match_pledges([Candidate("Fotpatrull i centrum fredag kväll", (), "polisen")], pledges)
    assert with_[0].index == without[0].index == 0
    assert with_[0].score >= SURE


def test_tuned_pairs() -> None:
    missed = [pair[0] for pair in TUNED if _matched(pair) != pair[3]]
    # One open case: a snowmobile check is a traffic control in the lexicon, so it is offered
    # (as likely, not sure) for a pledge about traffic controls on the roads.
    assert missed == ["Snöskoterkontroller på sjöarna 3 helger"]


def test_held_out_pairs_as_a_whole() -> None:
    right = sum(_matched(pair) == pair[3] for pair in HELD_OUT)
    assert right >= 5  # 4 of 6 before the lexicon, 6 of 6 with it; never looked at one by one


def test_synonyms_are_offered_for_a_concept_only_one_pledge_names() -> None:
    texts = [
        "Polisen lovar att genomföra hastighetskontroller på väg 88.",
        "Polisen lovar att genomföra trafikkontroller vid skolorna.",
        "Kommunen lovar att stötta nattvandrare på helgerna.",
        "Kommunen och polisen lovar att ordna trygghetsvandringar med trafikkontroller "
        "och nattvandring och föräldramöten.",
        "Polisen lovar att besöka alla åttor.",
    ]
    names = ["hastighetskontroller", "trafikkontroller", "nattvandring", "trygghet", "besök åk 8"]
    offered = offered_synonyms(texts, names)
    assert "fartkontroll" in offered[0]
    assert "lasermätning" in offered[0]
    assert "hastighetskontroller" not in offered[0]  # not the short name itself
    assert offered[1] == ()  # traffic controls are named by another pledge too
    assert offered[2] == ()  # so is night walking
    assert offered[3] == ()  # about several activities: none offered
    assert offered[4] == ()  # a school year is an audience, not an activity
    assert all(len(words) <= 8 for words in offered)
