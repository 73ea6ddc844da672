"""Domain errors raised by services; handlers turn them into polite replies.

An error carries a message key and values, never a sentence: the handler says it in the
person's language through the text catalogue (`bot.render.messages.say`).
"""

from __future__ import annotations

from collections.abc import Mapping


class Keyed(Exception):
    """An error named by a message key ("schedule.bad_time") with the values its text needs."""

    default_key = "error.error"

    def __init__(self, key: str = "", /, **values: object) -> None:
        self.key = key or self.default_key
        self.values: Mapping[str, object] = dict(values)
        super().__init__(self.key)

    def __str__(self) -> str:  # for logs and tracebacks, not for people
        if not self.values:
            return self.key
        shown = ", ".join(f"{name}={value!r}" for name, value in self.values.items())
        return f"{self.key} ({shown})"


class ServiceError(Keyed):
    """Base class of the refusals handlers answer by kind (`code`) or by key."""

    code = "error"


class NotAllowed(ServiceError):
    code = "not_allowed"
    default_key = "error.not_allowed"


class NotFound(ServiceError):
    code = "not_found"
    default_key = "error.not_found"


class Invalid(ServiceError):
    code = "invalid"
    default_key = "error.invalid"
