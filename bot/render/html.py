"""HTML for Telegram messages: every user-supplied or imported string goes through `esc`."""

from __future__ import annotations

import html


def esc(text: object) -> str:
    """Escape text for Telegram's HTML parse mode (&, < and >)."""
    return html.escape(str(text), quote=False)


def b(text: object) -> str:
    return f"<b>{esc(text)}</b>"


def i(text: object) -> str:
    return f"<i>{esc(text)}</i>"


def join_names(names: list[str], lang: str) -> str:
    """'A, B och C' (or 'A, B and C'), each name escaped."""
    escaped = [esc(n) for n in names]
    if len(escaped) <= 1:
        return "".join(escaped)
    word = "och" if lang == "sv" else "and"
    return f"{', '.join(escaped[:-1])} {word} {escaped[-1]}"
