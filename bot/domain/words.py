"""Small words for texts shown to people: counts with their noun, lists joined with "och".

Every text that puts a number in front of a noun goes through `count` (or `count_unit` for a
pledge's unit, which is stored in the plural), so that the bot says "1 tillfälle" and
"2 tillfällen", "0 insatser", "1 visit" alike everywhere. Lists read "A, B och C" ("A, B and C"
in English) through `join_words`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.swedish import plural, singular


def count(n: int, one: str, many: str) -> str:
    """ "1 tillfälle", "0 tillfällen", "2 tillfällen": the singular only for exactly one."""
    return f"{n} {one if n == 1 else many}"


def unit_for(n: int, unit: str) -> str:
    """A unit in the number that goes with `n`: "trafikinsats" for 1, "trafikinsatser" for
    0 or 2 (a unit written in the singular by hand gets its plural too)."""
    if n == 1:
        return singular(unit)
    return plural(unit) if unit == unit.lower() else unit


def count_unit(n: int, unit: str) -> str:
    """ "1 trafikinsats", "3 trafikinsatser" from a unit stored in the plural."""
    return f"{n} {unit_for(n, unit)}"


def join_words(items: Sequence[str], lang: str = "sv") -> str:
    """ "A, B och C" ("A, B and C"); "A och B"; "A"; "" for none. Escaping is the caller's."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    word = "och" if lang == "sv" else "and"
    return f"{', '.join(words[:-1])} {word} {words[-1]}"
