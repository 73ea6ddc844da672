"""The command line's own words in Swedish: argparse's built-in texts ("usage:", "options:",
"show this help message and exit", its error messages) and the help layout with examples.

argparse looks its texts up through the module-level ``_`` and ``ngettext`` (gettext) at the
moment it builds a parser, prints help or reports an error; ``swedish()`` swaps them for the
duration of a ``with`` block, so nothing outside the command line is affected.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Parser", "swedish"]

SWEDISH = {
    "usage: ": "användning: ",
    "options": "flaggor",
    "positional arguments": "argument",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "show program's version number and exit": "visa versionen och avsluta",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "de här argumenten behövs: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "ogiltigt val: %(value)r (välj bland %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "ogiltigt värde (%(type)s): %(value)r",
    "unrecognized arguments: %s": "okända argument: %s",
    "expected one argument": "väntade ett värde",
    "expected at least one argument": "väntade minst ett värde",
    "expected at most one argument": "väntade högst ett värde",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tvetydig flagga: %(option)s kan vara %(matches)s"
    ),
    "not allowed with argument %s": "går inte ihop med argumentet %s",
    "one of the arguments %s is required": "ett av argumenten %s behövs",
    "ignored explicit argument %r": "värdet %r används inte",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "okänt kommando %(parser_name)r (finns: %(choices)s)"
    ),
}


def _translate(message: str) -> str:
    return SWEDISH.get(message, message)


def _ntranslate(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "väntade %s värde" if n == 1 else "väntade %s värden"
    return singular if n == 1 else plural


@contextmanager
def swedish() -> Iterator[None]:
    """argparse speaks Swedish inside the block."""
    saved: dict[str, Callable[..., str]] = {
        name: getattr(argparse, name) for name in ("_", "ngettext")
    }
    setattr(argparse, "_", _translate)  # noqa: B010 - the name is not an identifier to mypy
    setattr(argparse, "ngettext", _ntranslate)  # noqa: B010
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(argparse, name, value)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help keeps the line breaks of its description and its epilog
    (the examples); its subcommands' parsers are of the same kind."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)
