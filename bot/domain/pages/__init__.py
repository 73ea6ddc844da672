"""A pure reader of published medborgarlöfte pages and follow-up reports.

``read_page(content, source=…, today=…, municipality_hint=None)`` takes the page as bytes or
text (plain text or HTML) and returns a frozen ``PageReading`` tree; ``PageReading.to_json()``
gives the import document. Nothing here does I/O or reads the clock: the caller passes ``today``.
Whatever the reader is unsure of becomes a Swedish warning in ``PageReading.warnings``.

The rules live next to the code that applies them: ``text`` (decoding, HTML, blocks),
``meta`` (municipality, police area, period), ``structure`` (sections, pledges, results),
``parties`` (who keeps a pledge), ``targets`` (targets and result counts) and ``names``
(short names and focus area names).
"""

from __future__ import annotations

from bot.domain.pages.model import (
    PageError,
    PageExtraActivity,
    PageFocusArea,
    PageKind,
    PagePeriod,
    PagePledge,
    PageReading,
    PageResult,
    PageTarget,
    Per,
    Responsible,
)
from bot.domain.pages.reader import read_page
from bot.domain.pages.text import MAX_PAGE_BYTES

__all__ = [
    "MAX_PAGE_BYTES",
    "PageError",
    "PageExtraActivity",
    "PageFocusArea",
    "PageKind",
    "PagePeriod",
    "PagePledge",
    "PageReading",
    "PageResult",
    "PageTarget",
    "Per",
    "Responsible",
    "read_page",
]
