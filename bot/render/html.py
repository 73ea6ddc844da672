"""HTML for Telegram messages: every user-supplied or imported string goes through `esc`."""

from __future__ import annotations

import html

from bot.domain.words import join_words


def esc(text: object) -> str:
    """Escape text for Telegram's HTML parse mode (&, < and >)."""
    return html.escape(str(text), quote=False)


def b(text: object) -> str:
    return f"<b>{esc(text)}</b>"


def i(text: object) -> str:
    return f"<i>{esc(text)}</i>"


def join_names(names: list[str], lang: str) -> str:
    """'A, B och C' (or 'A, B and C'), each name escaped."""
    return join_words([esc(n) for n in names], lang)
