"""Progress charts: one PNG, one horizontal bar per pledge, read on a phone in Telegram.

Honest by construction: a pledge without a measurable target gets no bar and no percentage,
only what was done ("3 gjort" / "Inget gjort än"); a bar is capped at 100 % but the exact
figure is always written ("5 av 4"); the status word is always written next to its colour.

matplotlib is imported lazily, on the first chart: most processes never draw one and the bot
must start fast. Drawing uses `Figure` + `FigureCanvasAgg` directly, never pyplot, and never
changes `rcParams`; every text gets its font and `parse_math=False` explicitly, so "$" in a
pledge name is printed, not read as mathtext. matplotlib does not promise thread safety, so
the drawing itself is serialised by a module lock: `render_chart` may be called from any
thread (`await asyncio.to_thread(render_chart, ...)`); concurrent calls queue for the lock
(a chart takes about a tenth of a second; see the module tests and the report).
"""

from __future__ import annotations

import io
import math
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
    from matplotlib.font_manager import FontProperties

__all__ = ["MAX_LABEL_CHARS", "MAX_ROWS", "ChartRow", "render_chart"]


@dataclass(frozen=True, slots=True)
class ChartRow:
    label: str
    """Pledge short name, e.g. "trafikinsatser"."""
    responsible: str
    """"Polisen" | "Kommunen" | "Polisen och kommunen" (already a display word)."""
    done: int
    """What was done in the window (for list pledges: items/visits done)."""
    target: int | None
    """None: no measurable target (also treated so: a target of 0 or less)."""
    expected_now: float | None
    """Where the pace says we should be today (target * elapsed), or None."""
    status: str
    """The status word to print, e.g. "I fas", "Efter plan", "Inget mätbart mål"."""
    status_key: str
    """pace.Status value: "on_track" | "behind" | "met" | ... ; colours the status word."""
    unit: str | None = None
    """Written after the figures ("5 av 7 veckor"): what ``done`` and ``target`` count, when
    they are not the pledge's own unit (windows of a recurring target)."""


MAX_ROWS = 40
MAX_LABEL_CHARS = 28

# Geometry, in inches (at DPI dots per inch): 7.2 in x 150 dpi = 1080 px wide.
DPI = 150
WIDTH = 7.2
_MARGIN = 0.3
_HEADER = 1.12
_ROW = 0.58
_LABEL_COL = 2.8  # label and responsible party
_GAP = 0.18
_STATUS_MIN = 1.05  # the status column shrinks to its longest word, within these bounds
_STATUS_MAX = 1.9
_BAR_HEIGHT = 0.2
_LINE1 = 0.21  # centre of the first line of a row (label, bar, status), from the row's top
_LINE2 = 0.44  # centre of the second line (responsible party, "5 av 4")
_BOTTOM = 0.22

# Colours. Okabe–Ito hues (colour-blind friendly) for the bars; darker shades of the same
# hues for the status words so that each has at least 4.5:1 contrast against white.
_INK = "#1a1a1a"
_INK_SOFT = "#333333"
_GREY_TEXT = "#595959"
_TRACK = "#e4e4e4"
_RULE = "#ececec"
_BACKGROUND = "#ffffff"
_FALLBACK_KEY = "not_assessed"
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    # status_key: (bar, status word)
    "met": ("#0072b2", "#005a8c"),
    "on_track": ("#009e73", "#00734f"),
    "behind": ("#e69f00", "#995c00"),
    "partly_met": ("#e8c100", "#6e5a00"),
    "not_met": ("#d55e00", "#b04300"),
    "not_assessed": ("#8c8c8c", "#595959"),
    "not_measurable": ("#8c8c8c", "#595959"),
}

_FONT_FAMILY = "DejaVu Sans"  # bundled with matplotlib; has å, ä, ö, "…", "·"
_SIZE_TITLE = 19.0
_SIZE_SUBTITLE = 11.5
_SIZE_LABEL = 11.5
_SIZE_STATUS = 11.5
_SIZE_VALUE = 11.0
_SIZE_SMALL = 9.5
_SIZE_NOTE = 9.0

# The chart's own words, (Swedish, English). Everything else on it comes from the caller,
# already in the reader's language (title, dates, status words, units) or is data (names).
_WORDS: dict[str, tuple[str, str]] = {
    "empty": ("Inga löften att visa", "No pledges to show"),
    "pace_key": (
        "Strecket visar var takten säger att vi borde vara i dag.",
        "The tick shows where the pace says we should be today.",
    ),
    "more": ("+{n} till", "+{n} more"),
    "done": ("{n} gjort", "{n} done"),
    "nothing_done": ("Inget gjort än", "Nothing done yet"),
    "of": ("{done} av {target}", "{done} of {target}"),
}
_NOTE_MAX_LINES = 3

_LOCK = threading.Lock()
# Made once: measured widths are remembered per (text, font), and the same labels, status
# words and numbers come back in chart after chart. Guarded by _LOCK like the rest.
_fonts: _Fonts | None = None
_widths: dict[tuple[str, int], float] = {}
_WIDTHS_KEPT = 50_000
_charmap: frozenset[int] | None = None  # code points both DejaVu Sans faces can draw
_SPACES = re.compile(r"\s+")


def render_chart(
    title: str,
    subtitle: str,
    rows: Sequence[ChartRow],
    *,
    note: str = "",
    lang: str = "sv",
) -> bytes:
    """A PNG for a phone screen: one horizontal bar per pledge, progress against target.

    1080 px wide; the height grows with the rows (87 px a row). At most MAX_ROWS rows are
    drawn; the rest are counted in a "+N till" line. No rows gives a small "Inga löften att
    visa" image rather than an error. `lang` ("sv" or "en") is the language of the chart's own
    words and number grouping; the title, subtitle, note and rows come in that language.
    Thread-safe; blocking (run it with `asyncio.to_thread`).
    """
    with _LOCK:
        return _render(title, subtitle, list(rows), note, _Words("en" if lang == "en" else "sv"))


@dataclass(frozen=True, slots=True)
class _Words:
    lang: str

    def __call__(self, key: str, **values: str) -> str:
        sv, en = _WORDS[key]
        return (en if self.lang == "en" else sv).format(**values)

    def number(self, n: int) -> str:
        """1 200 in Swedish (a no-break space), 1,200 in English."""
        grouped = f"{n:,}"
        return grouped if self.lang == "en" else grouped.replace(",", "\u00a0")


def _render(title: str, subtitle: str, rows: list[ChartRow], note: str, words: _Words) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    shown = rows[:MAX_ROWS]
    hidden = len(rows) - len(shown)
    with_pace = any(_pace_fraction(row) is not None for row in shown)

    # A first canvas only to measure text, so that the height is known before drawing.
    global _fonts
    if _fonts is None:
        _fonts = _Fonts.make()
    fonts = _fonts
    probe = Figure(figsize=(WIDTH, 1.0), dpi=DPI)
    measure = _Measure(FigureCanvasAgg(probe).get_renderer())  # type: ignore[no-untyped-call]
    note_lines = _wrap(_clean(note), fonts.note, WIDTH - 2 * _MARGIN, measure, _NOTE_MAX_LINES)

    body = len(shown) * _ROW if shown else 0.9
    footer = 0.12
    footer += 0.36 if hidden else 0.0
    footer += 0.3 if with_pace else 0.0
    footer += 0.25 * len(note_lines)
    height = _HEADER + body + footer + _BOTTOM

    fig = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor=_BACKGROUND)
    canvas = FigureCanvasAgg(fig)
    try:
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_axis_off()
        ax.set_xlim(0.0, WIDTH)
        ax.set_ylim(height, 0.0)  # y in inches from the top, growing downwards
        draw = _Draw(ax, fonts, measure)

        right = WIDTH - _MARGIN
        draw.text(_MARGIN, 0.22, title, fonts.title, _INK, va="top", width=right - _MARGIN)
        draw.text(
            _MARGIN, 0.78, subtitle, fonts.subtitle, _GREY_TEXT, va="center", width=right - _MARGIN
        )
        y = _HEADER
        if shown:
            draw.rule(y - 0.02)
            status_width = _status_width(shown, fonts, measure)
            for row in shown:
                _draw_row(draw, row, y, status_width, words)
                y += _ROW
        else:
            draw.text(WIDTH / 2, y + 0.4, words("empty"), fonts.value, _GREY_TEXT, ha="center")
            y += 0.9

        y += 0.12
        if hidden:
            more = words("more", n=words.number(hidden))
            draw.text(_MARGIN, y + 0.17, more, fonts.label, _INK_SOFT)
            y += 0.36
        if with_pace:
            draw.pace_tick(_MARGIN + 0.05, y + 0.14, 0.1)
            draw.text(_MARGIN + 0.2, y + 0.14, words("pace_key"), fonts.small, _GREY_TEXT)
            y += 0.3
        for line in note_lines:
            draw.text(_MARGIN, y + 0.12, line, fonts.note, _GREY_TEXT)
            y += 0.25

        draw.finish()
        canvas.draw()  # type: ignore[no-untyped-call]
        return _png(canvas)
    finally:
        # Not fig.clear(): resetting the axes costs a third of a small chart's time, and the
        # figure is garbage once this returns (no pyplot keeps a reference).
        del canvas, fig


def _png(canvas: FigureCanvasAgg) -> bytes:
    """The drawn canvas as a 256-colour PNG. The chart is flat colours and anti-aliased text,
    which a palette keeps without visible loss at under a third of the RGBA size (40 rows:
    ~140 KB instead of ~460 KB). The fast octree quantiser alone would shift flat colours
    slightly (white became 254, the track and rules merged), so every pixel that is exactly
    one of our own colours gets a palette slot of its own: the background stays pure white
    and each bar keeps its exact colour. numpy and Pillow come with matplotlib."""
    import numpy as np
    from PIL import Image

    rgba = np.asarray(canvas.buffer_rgba())  # type: ignore[no-untyped-call]
    exact = _exact_colours()
    height, width = rgba.shape[:2]
    # RGB straight from the canvas's buffer (slicing the array first copies it, 3× slower).
    rgb = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1).convert("RGB")
    octree = rgb.quantize(
        colors=256 - len(exact), method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    index = np.array(octree, dtype=np.uint8)
    packed = rgba.view(np.uint32)[..., 0]  # one uint32 per pixel, for fast equality
    first_slot = 256 - len(exact)
    palette = list(octree.getpalette() or [])[: 3 * first_slot]
    palette += [0] * (3 * first_slot - len(palette))
    for offset, (red, green, blue) in enumerate(exact):
        colour = np.array([red, green, blue, 255], dtype=np.uint8).view(np.uint32)[0]
        index[packed == colour] = first_slot + offset
        palette += [red, green, blue]
    image = Image.frombytes("P", octree.size, index.tobytes())
    image.putpalette(palette)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _exact_colours() -> list[tuple[int, int, int]]:
    named = [_BACKGROUND, _INK, _INK_SOFT, _GREY_TEXT, _TRACK, _RULE]
    named += [colour for pair in STATUS_COLOURS.values() for colour in pair]
    unique = dict.fromkeys(name.lower() for name in named)
    return [(int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)) for c in unique]


def _draw_row(draw: _Draw, row: ChartRow, top: float, status_width: float, words: _Words) -> None:
    fonts = draw.fonts
    right = WIDTH - _MARGIN
    bar_x = _MARGIN + _LABEL_COL + _GAP
    bar_w = right - status_width - _GAP - bar_x
    line1 = top + _LINE1
    line2 = top + _LINE2
    bar_colour, status_colour = STATUS_COLOURS.get(row.status_key, STATUS_COLOURS[_FALLBACK_KEY])

    label = _truncate_chars(_clean(row.label), MAX_LABEL_CHARS)
    draw.text(_MARGIN, line1, label, fonts.label, _INK, width=_LABEL_COL)
    draw.text(_MARGIN, line2, row.responsible, fonts.small, _GREY_TEXT, width=_LABEL_COL)
    draw.text(right, line1, row.status, fonts.status, status_colour, ha="right", width=status_width)

    target = row.target
    if target is None or target <= 0:
        # No measurable target: what was done, never a percentage.
        done = words("done", n=words.number(row.done)) if row.done > 0 else words("nothing_done")
        draw.text(bar_x, line1, done, fonts.value, _INK_SOFT, width=bar_w)
    else:
        fraction = min(max(row.done / target, 0.0), 1.0)
        draw.bar(bar_x, line1, bar_w, _TRACK)
        if fraction > 0:
            draw.bar(bar_x, line1, bar_w * fraction, bar_colour)
        pace = _pace_fraction(row)
        if pace is not None:
            draw.pace_tick(bar_x + bar_w * pace, line1, _BAR_HEIGHT / 2 + 0.035)
        figures = words("of", done=words.number(row.done), target=words.number(target))
        if row.unit:
            figures += f" {_clean(row.unit)}"
        draw.text(bar_x, line2, figures, fonts.value, _INK_SOFT, width=bar_w)
    draw.rule(top + _ROW - 0.02)


def _pace_fraction(row: ChartRow) -> float | None:
    """Where the pace tick goes, 0..1 along the bar; None when there is no tick to draw."""
    if row.target is None or row.target <= 0 or row.expected_now is None:
        return None
    if not math.isfinite(row.expected_now):
        return None
    return min(max(row.expected_now / row.target, 0.0), 1.0)


def _status_width(rows: Sequence[ChartRow], fonts: _Fonts, measure: _Measure) -> float:
    widest = max((measure.width(_clean(row.status), fonts.status) for row in rows), default=0.0)
    return min(max(widest + 0.02, _STATUS_MIN), _STATUS_MAX)


# --- text hygiene ------------------------------------------------------------------------


def _clean(text: str) -> str:
    """One line of drawable text: no control or format characters, no glyphs the font lacks
    (emoji are dropped rather than drawn as boxes or warned about), whitespace collapsed."""
    drawable = _drawable_code_points()
    kept = []
    for char in text:
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char)[0] != "C" and ord(char) in drawable:
            kept.append(char)
    return _SPACES.sub(" ", "".join(kept)).strip()


def _drawable_code_points() -> frozenset[int]:
    global _charmap
    if _charmap is None:
        from matplotlib.font_manager import FontProperties, findfont, get_font

        faces = [
            set(get_font(findfont(FontProperties(family=_FONT_FAMILY, weight=w))).get_charmap())
            for w in ("normal", "bold")
        ]
        _charmap = frozenset(faces[0] & faces[1])
    return _charmap


def _truncate_chars(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(
    text: str, font: FontProperties, width: float, measure: _Measure, max_lines: int
) -> list[str]:
    """Greedy word wrap by measured width; the last line is cut with "…" if needed."""
    lines: list[str] = []
    current = ""
    words = text.split(" ") if text else []
    for index, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if measure.width(candidate, font) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines - 1:
            current = " ".join(words[index:])
            break
    if current:
        lines.append(current)
    return [measure.fit(line, font, width) for line in lines]


@dataclass(frozen=True, slots=True)
class _Fonts:
    title: FontProperties
    subtitle: FontProperties
    label: FontProperties
    status: FontProperties
    value: FontProperties
    small: FontProperties
    note: FontProperties

    @classmethod
    def make(cls) -> _Fonts:
        from matplotlib.font_manager import FontProperties

        def font(size: float, weight: str = "normal") -> FontProperties:
            return FontProperties(family=_FONT_FAMILY, size=size, weight=weight)

        return cls(
            title=font(_SIZE_TITLE, "bold"),
            subtitle=font(_SIZE_SUBTITLE),
            label=font(_SIZE_LABEL, "bold"),
            status=font(_SIZE_STATUS, "bold"),
            value=font(_SIZE_VALUE),
            small=font(_SIZE_SMALL),
            note=font(_SIZE_NOTE),
        )


class _Measure:
    """Text widths in inches, from the Agg renderer (no mathtext)."""

    def __init__(self, renderer: RendererAgg) -> None:
        self._renderer = renderer

    def width(self, text: str, font: FontProperties) -> float:
        if not text:
            return 0.0
        key = (text, id(font))  # the fonts are made once and kept (see _fonts)
        known = _widths.get(key)
        if known is not None:
            return known
        renderer = self._renderer
        w, _h, _d = renderer.get_text_width_height_descent(  # type: ignore[no-untyped-call]
            text, font, ismath=False
        )
        if len(_widths) >= _WIDTHS_KEPT:
            _widths.clear()
        _widths[key] = width = float(w) / DPI
        return width

    def fit(self, text: str, font: FontProperties, width: float) -> str:
        """`text`, cut at a word or character and ended with "…" until it fits `width`."""
        if self.width(text, font) <= width:
            return text
        low, high = 0, len(text)  # the longest prefix that fits, with the ellipsis
        while low < high:
            middle = (low + high + 1) // 2
            if self.width(text[:middle].rstrip() + "…", font) <= width:
                low = middle
            else:
                high = middle - 1
        return text[:low].rstrip() + "…"


class _Draw:
    """Texts go straight onto the axes; bars, pace ticks and rules are collected and added as
    three collections by `finish` (one artist each instead of one per row: faster)."""

    def __init__(self, ax: Axes, fonts: _Fonts, measure: _Measure) -> None:
        self.ax = ax
        self.fonts = fonts
        self.measure = measure
        self._bars: list[tuple[float, float, float, str]] = []
        self._ticks: list[list[tuple[float, float]]] = []
        self._rules: list[list[tuple[float, float]]] = []

    def text(
        self,
        x: float,
        y: float,
        text: str,
        font: FontProperties,
        colour: str,
        *,
        ha: str = "left",
        va: str = "center",
        width: float | None = None,
    ) -> None:
        line = _clean(text)
        if width is not None:
            line = self.measure.fit(line, font, width)
        if line:
            self.ax.text(
                x,
                y,
                line,
                fontproperties=font,
                color=colour,
                ha=ha,
                va=va,
                parse_math=False,
                usetex=False,
                zorder=4,
            )

    def bar(self, x: float, y: float, width: float, colour: str) -> None:
        """A bar centred on `y`; later bars are drawn over earlier ones."""
        self._bars.append((x, y - _BAR_HEIGHT / 2, width, colour))

    def pace_tick(self, x: float, y: float, half: float) -> None:
        self._ticks.append([(x, y - half), (x, y + half)])

    def rule(self, y: float) -> None:
        self._rules.append([(_MARGIN, y), (WIDTH - _MARGIN, y)])

    def finish(self) -> None:
        from matplotlib import patheffects
        from matplotlib.collections import LineCollection, PatchCollection
        from matplotlib.patches import Rectangle

        if self._rules:
            rules = LineCollection(
                self._rules, colors=_RULE, linewidths=0.96, antialiaseds=False, zorder=1
            )
            self.ax.add_collection(rules, autolim=False)
        if self._bars:
            rectangles = [Rectangle((x, y), w, _BAR_HEIGHT) for x, y, w, _c in self._bars]
            colours = [c for _x, _y, _w, c in self._bars]
            bars = PatchCollection(rectangles, facecolors=colours, linewidths=0, zorder=2)
            self.ax.add_collection(bars, autolim=False)
        if self._ticks:
            halo = [
                patheffects.Stroke(linewidth=4.2, foreground=_BACKGROUND),
                patheffects.Normal(),
            ]
            ticks = LineCollection(
                self._ticks, colors=_INK, linewidths=2.0, capstyle="butt", zorder=3
            )
            ticks.set_path_effects(halo)
            self.ax.add_collection(ticks, autolim=False)
