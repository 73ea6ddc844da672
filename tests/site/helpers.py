"""Reading the generated pages back: an html.parser walk, no browser."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any


class Figures(HTMLParser):
    """Per pledge article (id "lofte-N"): the text of each `data-figure` element and its
    `data-status`; plus the chart table's done column, and every tag seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pledges: dict[int, dict[str, str]] = {}
        self.chart_done: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._pledge: int | None = None
        self._figure: str | None = None
        self._depth = 0
        self._text: list[str] = []
        self.h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "h1":
            self.h1 += 1
        if tag == "article" and (attributes.get("id") or "").startswith("lofte-"):
            self._pledge = int(str(attributes["id"]).removeprefix("lofte-"))
            self.pledges[self._pledge] = {}
        figure = attributes.get("data-figure")
        if figure and self._figure is None:
            self._figure, self._depth, self._text = figure, 0, []
            if attributes.get("data-status") and self._pledge is not None:
                self.pledges[self._pledge]["status_key"] = str(attributes["data-status"])
        elif self._figure is not None:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._figure is not None:
            if self._depth == 0:
                value = "".join(self._text).strip()
                if self._figure == "chart-done":
                    self.chart_done.append(value)
                elif self._pledge is not None:
                    self.pledges[self._pledge][self._figure] = value
                self._figure = None
            else:
                self._depth -= 1
        if tag == "article":
            self._pledge = None

    def handle_data(self, data: str) -> None:
        if self._figure is not None:
            self._text.append(data)


def read(path: Path) -> Figures:
    parser = Figures()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def attributes(page: Figures, tag: str) -> list[dict[str, Any]]:
    return [a for t, a in page.tags if t == tag]


def files(root: Path, pattern: str) -> list[Path]:
    return sorted(root.rglob(pattern))
