"""Deep links into the bot (`https://t.me/<bot>?start=<payload>`), built by PTB's helper so
that a payload Telegram would not accept (over 64 characters, other than A-Z, a-z, 0-9, _ and -)
fails here rather than in someone's hands."""

from __future__ import annotations

from telegram.helpers import create_deep_linked_url

PLEDGE_PREFIX = "p_"


def start_link(username: str | None, payload: str) -> str | None:
    """A link that opens a private chat with the bot and sends `/start <payload>`; None when
    the bot's username is not known."""
    if not username:
        return None
    return create_deep_linked_url(username.lstrip("@"), payload)


def pledge_link(username: str | None, pledge_id: int) -> str | None:
    """The shareable link to one pledge's card."""
    return start_link(username, f"{PLEDGE_PREFIX}{pledge_id}")
