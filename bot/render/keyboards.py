"""Keyboards as data: what a message's buttons say and do, without python-telegram-bot.

`render` builds them from what a use case returned; the wings turn them into Telegram's markup
as they send (`bot.botapi.markup`), so nothing below the wings imports `telegram`. A keyboard
is also what a recorded reply keeps (`bot.handlers.common.reply_data`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Button:
    """One button: a callback (`callback_data`, at most 64 bytes) or a link (`url`)."""

    text: str
    callback_data: str | None = None
    url: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The button as the Bot API writes it (text and its one action)."""
        found = {"text": self.text}
        if self.callback_data is not None:
            found["callback_data"] = self.callback_data
        if self.url is not None:
            found["url"] = self.url
        return found


@dataclass(frozen=True, slots=True, init=False)
class Keyboard:
    """Rows of buttons under a message (an inline keyboard)."""

    rows: tuple[tuple[Button, ...], ...]

    def __init__(self, rows: Iterable[Iterable[Button]] = ()) -> None:
        object.__setattr__(self, "rows", tuple(tuple(row) for row in rows))

    def as_dicts(self) -> list[list[dict[str, str]]]:
        return [[button.as_dict() for button in row] for row in self.rows]
