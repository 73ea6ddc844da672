"""Domain errors raised by services; handlers turn them into polite replies."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: `code` picks the text shown to the person."""

    code = "error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class NotAllowed(ServiceError):
    code = "not_allowed"


class NotFound(ServiceError):
    code = "not_found"


class Invalid(ServiceError):
    code = "invalid"
