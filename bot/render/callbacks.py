"""Callback data for inline buttons: one small, versioned encoder and decoder.

Format: ``<version>|<action>|<arg>|<arg>…``, at most 64 bytes (Telegram's limit). A button is a
request, never a credential: handlers look the user's role up again on every press. Buttons made
by an older version of the bot decode to None and are answered politely as stale.
"""

from __future__ import annotations

from dataclasses import dataclass

VERSION = "1"
MAX_BYTES = 64
SEPARATOR = "|"


@dataclass(frozen=True)
class Callback:
    action: str
    args: tuple[str, ...] = ()

    def int_arg(self, index: int) -> int | None:
        """The argument as a number, or None; numbers no database id can be (PostgreSQL's
        INTEGER is 32 bits) are None too, so a forged button cannot crash a lookup."""
        try:
            value = int(self.args[index])
        except (IndexError, ValueError):
            return None
        return value if -(2**31) <= value < 2**31 else None


def encode(action: str, *args: int | str) -> str:
    parts = [VERSION, action, *(str(a) for a in args)]
    if any(SEPARATOR in p for p in parts[1:]):
        raise ValueError("callback parts must not contain the separator")
    data = SEPARATOR.join(parts)
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    """The button's request, or None when it is malformed or from another version."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    parts = data.split(SEPARATOR)
    if len(parts) < 2 or parts[0] != VERSION or not parts[1]:
        return None
    return Callback(parts[1], tuple(parts[2:]))


def pattern(action: str) -> str:
    """A regex for CallbackQueryHandler that matches this version's buttons for `action`."""
    return rf"^{VERSION}\|{action}(\|.*)?$"
