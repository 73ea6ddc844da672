"""The progress chart: a PNG that is honest, readable on a phone and safe to draw anywhere."""

import asyncio
import io
import math
import subprocess
import sys
import threading
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.image import imread

from bot.domain.pace import Status, status_label
from bot.render import chart
from bot.render.chart import MAX_ROWS, ChartRow, render_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TITLE = "Hur går det i Åsele?"
SUBTITLE = "Medborgarlöften 2026 · läget 21 november 2026"
NOTE = "Källa: Löftesboten · antal och datum, inga namn"
ROW_PX = round(chart._ROW * chart.DPI)


def row(
    label: str = "trafikinsatser",
    *,
    responsible: str = "Polisen",
    done: int = 2,
    target: int | None = 4,
    expected_now: float | None = 3.0,
    key: Status = Status.BEHIND,
) -> ChartRow:
    return ChartRow(label, responsible, done, target, expected_now, status_label(key), key.value)


ALL_KINDS = [
    row("trafikinsatser", done=5, target=4, expected_now=3.2, key=Status.MET),
    row("skolbesök", responsible="Polisen och kommunen", done=3, target=8, key=Status.BEHIND),
    row("trygghetsvandringar", responsible="Kommunen", done=2, target=3, key=Status.ON_TRACK),
    row("dialogmöten", done=0, target=None, expected_now=None, key=Status.NOT_MEASURABLE),
    row("narkotikainsatser", done=7, target=None, expected_now=None, key=Status.NOT_MEASURABLE),
    row("belysning", responsible="Kommunen", done=1, target=4, expected_now=4, key=Status.NOT_MET),
    row("klotter", done=2, target=4, expected_now=4.0, key=Status.PARTLY_MET),
    row("föräldravandringar", done=0, target=6, expected_now=0.1, key=Status.NOT_ASSESSED),
]


def rows(n: int) -> list[ChartRow]:
    return [ALL_KINDS[i % len(ALL_KINDS)] for i in range(n)]


def pixels(png: bytes) -> np.ndarray:
    """RGB floats 0..1, shape (height, width, 3), read by matplotlib's own PNG reader."""
    image = imread(io.BytesIO(png), format="png")
    return image[..., :3]


def size(png: bytes) -> tuple[int, int]:
    height, width = pixels(png).shape[:2]
    return width, height


def count_colour(png: bytes, hex_colour: str, tolerance: float = 6 / 255) -> int:
    wanted = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return int((np.abs(pixels(png) - wanted).max(axis=2) <= tolerance).sum())


def test_png_for_a_phone():
    png = render_chart(TITLE, SUBTITLE, ALL_KINDS, note=NOTE)
    assert png.startswith(PNG_SIGNATURE)
    assert 5_000 < len(png) < 100_000
    width, height = size(png)
    assert width == 1080
    assert height == pytest.approx(1080, abs=200)  # 8 rows: about square
    image = pixels(png)
    assert (image[0, 0] == 1.0).all()  # pure white background
    assert (image[-1, -1] == 1.0).all()


def test_forty_rows_stay_small():
    png = render_chart(TITLE, SUBTITLE, rows(MAX_ROWS), note=NOTE)
    assert len(png) < 300_000
    width, height = size(png)
    assert width == 1080
    assert height < 10_000 - width  # Telegram's photo limit on width + height


def test_height_grows_with_the_rows():
    heights = [size(render_chart(TITLE, SUBTITLE, rows(n)))[1] for n in (1, 2, 10, 20)]
    assert heights == sorted(heights)
    assert abs(heights[1] - heights[0] - ROW_PX) <= 1
    assert abs(heights[3] - heights[2] - 10 * ROW_PX) <= 1


def test_more_than_max_rows_are_capped_with_a_count_line():
    at_max = size(render_chart(TITLE, SUBTITLE, rows(MAX_ROWS)))[1]
    over = size(render_chart(TITLE, SUBTITLE, rows(MAX_ROWS + 5)))[1]
    far_over = size(render_chart(TITLE, SUBTITLE, rows(3 * MAX_ROWS)))[1]
    line = round(0.36 * chart.DPI)
    assert abs(over - at_max - line) <= 1  # one "+N till" line, not five more rows
    assert far_over == over


def test_no_rows_draw_a_small_image():
    png = render_chart(TITLE, SUBTITLE, [], note=NOTE)
    assert png.startswith(PNG_SIGNATURE)
    width, height = size(png)
    assert width == 1080
    assert height < size(render_chart(TITLE, SUBTITLE, rows(2), note=NOTE))[1]


@pytest.mark.parametrize(
    "label",
    [
        "$x$",
        "pris $5 och $10",
        r"$\notacommand{$",  # would raise if mathtext read it
        "<b>&amp; </b> & <i>",
        "Trygghetsvandringar i Åsele, Fredrika och Dorotea med föreningslivet",
        "x" * 500,
        "W" * 28,
        "rad ett\nrad två\tflik",
        "",
        "   ",
        "\x00\x1b[31mkontroll\u200b\u202e",
        "🚓 trafik 👮‍♀️",  # emoji: dropped, not warned about (warnings are errors here)
        "ÅÄÖ åäö é ü ß ø æ",
    ],
)
def test_user_text_does_not_break_the_chart(label: str):
    odd = row(label, responsible=label)
    png = render_chart(label, label, [odd, row(done=0, target=None)], note=label)
    assert png.startswith(PNG_SIGNATURE)


def test_status_word_and_key_come_from_the_caller_and_unknown_keys_fall_back_to_grey():
    strange = ChartRow("x", "Polisen", 1, 2, 1.0, "Status $som$ är väldigt lång " * 3, "nytt")
    assert render_chart(TITLE, SUBTITLE, [strange]).startswith(PNG_SIGNATURE)


@pytest.mark.parametrize(
    ("done", "target", "expected_now"),
    [
        (5, 4, 3.2),  # done > target
        (500, 4, 4.0),
        (-3, 4, 1.0),  # a correction gone wrong: no negative bar
        (2, 0, 0.0),  # target 0: treated as no target, no division
        (2, -4, 1.0),
        (2, 4, math.nan),
        (2, 4, math.inf),
        (2, 4, -1.0),
        (2, 4, 40.0),  # pace beyond the target: tick capped at the end
        (10**12, 10**12 + 1, 1.0),
    ],
)
def test_odd_figures(done: int, target: int, expected_now: float):
    png = render_chart(TITLE, SUBTITLE, [row(done=done, target=target, expected_now=expected_now)])
    assert png.startswith(PNG_SIGNATURE)


BAR = chart.STATUS_COLOURS["on_track"][0]


def test_a_pledge_without_target_gets_no_bar():
    with_target = row(done=2, target=4, expected_now=None, key=Status.ON_TRACK)
    without = ChartRow("dialogmöten", "Polisen", 3, None, 2.0, "I fas", "on_track")
    assert count_colour(render_chart(TITLE, SUBTITLE, [with_target]), BAR) > 1_000
    assert count_colour(render_chart(TITLE, SUBTITLE, [without]), BAR) < 20
    assert count_colour(render_chart(TITLE, SUBTITLE, [replace(without, done=0)]), BAR) < 20


def test_done_beyond_target_is_capped_at_a_full_bar():
    def bar_pixels(done: int) -> int:
        r = row(done=done, target=4, expected_now=None, key=Status.ON_TRACK)
        return count_colour(render_chart(TITLE, SUBTITLE, [r]), BAR)

    half, full, over = bar_pixels(2), bar_pixels(4), bar_pixels(9)
    assert half == pytest.approx(full / 2, rel=0.05)
    assert over == full


def test_status_words_are_readable_colours():
    """Each status word has at least 4.5:1 contrast on white (WCAG AA for normal text)."""

    def luminance(hex_colour: str) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(int(hex_colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert set(chart.STATUS_COLOURS) == {s.value for s in Status}
    for key, (_bar, word) in chart.STATUS_COLOURS.items():
        assert (1.05) / (luminance(word) + 0.05) >= 4.5, key


def test_clean_and_truncate():
    assert chart._clean(" a\n\tb  🚓 c\x00 ") == "a b c"
    assert chart._clean("$x$ <b>&") == "$x$ <b>&"
    long = chart._truncate_chars("trygghetsvandringar i hela kommunen", chart.MAX_LABEL_CHARS)
    assert len(long) <= chart.MAX_LABEL_CHARS
    assert long.endswith("…")
    assert chart._truncate_chars("kort", chart.MAX_LABEL_CHARS) == "kort"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    label=st.text(max_size=60),
    responsible=st.text(max_size=30),
    status=st.text(max_size=30),
    done=st.integers(-10, 10**6),
    target=st.none() | st.integers(-2, 10**6),
    expected_now=st.none() | st.floats(allow_nan=True, allow_infinity=True),
)
def test_any_row_renders(label, responsible, status, done, target, expected_now):
    r = ChartRow(label, responsible, done, target, expected_now, status, "behind")
    assert render_chart(label, status, [r], note=label).startswith(PNG_SIGNATURE)


async def test_four_threads_at_once():
    batches = [rows(n) for n in (3, 10, 25, MAX_ROWS)]
    pngs = await asyncio.gather(
        *(asyncio.to_thread(render_chart, TITLE, SUBTITLE, b, note=NOTE) for b in batches)
    )
    alone = [render_chart(TITLE, SUBTITLE, b, note=NOTE) for b in batches]
    assert pngs == alone  # deterministic, and no thread spoilt another's drawing


def test_many_threads_without_asyncio():
    results: list[bytes] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(render_chart(TITLE, SUBTITLE, rows(4)))
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1


def test_matplotlib_is_imported_lazily_and_pyplot_never():
    code = (
        "import sys\n"
        "import bot.render.chart as c\n"
        "assert 'matplotlib' not in sys.modules\n"
        "c.render_chart('t', 's', [c.ChartRow('a', 'b', 1, 2, 1.0, 'I fas', 'on_track')])\n"
        "assert 'matplotlib' in sys.modules\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
