"""The reader on messages written after it was built: a tuned set and a held-out set.

Both must have no message saved wrong. The share read right (saved as written, or asked when
it has to be asked) is printed for both and must reach 85 %; the held-out figure is the honest
one, since nobody changed the reader while looking at those messages.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.report_reading import read_report
from tests.domain.reporter_messages import ReporterMessage
from tests.domain.reporter_messages_more import HELD_OUT, TODAY, TUNING
from tests.domain.test_report_reading import choices_of, key_of


def classify(row: ReporterMessage) -> str:
    """'right', 'asked' (should have been saved) or 'wrong' (saved, but not as written)."""
    reading = read_report(row.message, choices_of(*row.municipalities), TODAY)
    must_ask = row.pledge is None or row.days_ago is None
    if not reading.decided:
        return "right" if must_ask else "asked"
    if must_ask:
        return "wrong"
    expected_day = TODAY - timedelta(days=row.days_ago or 0)
    if (key_of(reading.pledge), reading.count, reading.day) != (
        row.pledge,
        row.count,
        expected_day,
    ):
        return "wrong"
    return "right"


def figures(rows: tuple[ReporterMessage, ...]) -> dict[str, float]:
    found = {"rows": len(rows), "right": 0, "asked": 0, "wrong": 0}
    for row in rows:
        found[classify(row)] += 1
    saveable = [r for r in rows if r.pledge is not None and r.days_ago is not None]
    saved_right = sum(1 for r in saveable if classify(r) == "right")
    return {
        **found,
        "right_share": found["right"] / len(rows),
        "saved_without_asking": saved_right / len(saveable),
    }


def test_the_sets_are_new_varied_and_apart() -> None:
    assert len(TUNING) + len(HELD_OUT) >= 60
    assert 0.2 <= len(HELD_OUT) / (len(TUNING) + len(HELD_OUT)) <= 0.3
    both = TUNING + HELD_OUT
    assert len({r.message for r in both}) == len(both)
    assert {m for r in both for m in r.municipalities} == {
        "Härjedalen",
        "Åsele",
        "Haparanda",
        "Härnösand",
    }


@pytest.mark.parametrize("row", TUNING, ids=[r.message for r in TUNING])
def test_tuned_message_is_never_saved_wrong(row: ReporterMessage) -> None:
    assert classify(row) != "wrong", row


@pytest.mark.parametrize(("name", "rows"), [("tuned", TUNING), ("held out", HELD_OUT)])
def test_figures(name: str, rows: tuple[ReporterMessage, ...]) -> None:
    found = figures(rows)
    print(
        f"{name}: {found['rows']} messages, {found['right']} right, {found['asked']} asked "
        f"needlessly, {found['wrong']} wrong; right {found['right_share']:.0%}, saveable ones "
        f"saved without asking {found['saved_without_asking']:.0%}"
    )
    assert found["wrong"] == 0
    assert found["right_share"] >= 0.85, found
