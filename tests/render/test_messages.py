"""The one text catalogue: one way to choose Swedish or English, keys that exist in both
languages, and services that carry keys, not sentences."""

from __future__ import annotations

import ast
import builtins
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.render.messages import MESSAGES, n, pick, say, t
from bot.services.errors import Invalid, Keyed
from bot.services.schedule import ScheduleError, read_time

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
CATALOGUE = BOT / "render" / "messages.py"
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
KEY_PREFIX = re.compile(r"^[a-z][a-z0-9_]*\.([a-z0-9_]+\.)*$")
# Calls whose first argument is a message key.
KEY_CALLS = {"t", "n", "say_key"}
BUILTIN_ERRORS = {name for name in dir(builtins) if name.endswith(("Error", "Exception"))}


def _modules(under: Path = BOT) -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(under.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _keyed_errors() -> set[str]:
    """The names of every error class that carries a message key (subclasses of Keyed)."""
    bases: dict[str, set[str]] = {}
    for _, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(_name(b) for b in node.bases)
    keyed = {"Keyed"}
    while True:
        more = {name for name, of in bases.items() if of & keyed} - keyed
        if not more:
            return keyed
        keyed |= more


def _raised_calls(tree: ast.Module) -> Iterator[tuple[ast.Raise, ast.Call]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            yield node, node.exc


def _choices(node: ast.expr) -> Iterator[ast.expr]:
    """Both branches of `"a.b" if ... else "a.c"`, else the expression itself."""
    if isinstance(node, ast.IfExp):
        yield from _choices(node.body)
        yield from _choices(node.orelse)
    else:
        yield node


def _keys_used() -> Iterator[tuple[str, str, bool]]:
    """(where, key or key prefix, is_prefix) for every key written in the code: the first
    argument of t()/n() and of every raised error that is not a builtin one."""
    keyed = _keyed_errors()
    for path, tree in _modules():
        if path == CATALOGUE:
            continue
        calls: list[tuple[ast.Call, bool]] = [
            (node, _name(node.func) == "n")
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _name(node.func) in KEY_CALLS
        ]
        calls += [
            (call, False)
            for _, call in _raised_calls(tree)
            if _name(call.func) in keyed and call.args
        ]
        for call, plural in calls:
            if not call.args:
                continue
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            for first in _choices(call.args[0]):
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    value = first.value
                    keys = [f"{value}.one", f"{value}.other"] if plural else [value]
                    for key in keys:
                        yield where, key, False
                elif isinstance(first, ast.JoinedStr) and first.values:
                    head = first.values[0]
                    if isinstance(head, ast.Constant) and isinstance(head.value, str):
                        yield where, head.value, True


def test_no_module_has_its_own_language_switch() -> None:
    own = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
        for path, tree in _modules()
        if path != CATALOGUE
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name in ("_t", "pick", "_pick")
    ]
    assert own == [], "choose the language through bot.render.messages.pick/t only"


def test_every_key_used_exists_in_both_languages() -> None:
    used = list(_keys_used())
    assert len(used) > 80, "the scan found too few keys to be looking at the code"
    missing = []
    for where, key, prefix in used:
        if prefix:
            if not KEY_PREFIX.match(key) or not any(k.startswith(key) for k in MESSAGES):
                missing.append(f"{where}: {key}…")
        elif key not in MESSAGES:
            missing.append(f"{where}: {key}")
    assert missing == []


def test_every_entry_has_both_languages_with_the_same_placeholders() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, (sv, en) in MESSAGES.items():
        assert KEY.match(key), key
        assert sv.strip() and en.strip(), key
        if key == "period.not_begun":  # each language names the period in its own words
            continue
        assert fields(sv) == fields(en), key


def test_services_raise_keys_not_sentences() -> None:
    sentences = []
    for path, tree in _modules(BOT / "services"):
        for node, call in _raised_calls(tree):
            builtin = _name(call.func) in BUILTIN_ERRORS
            for arg in call.args[:1]:
                parts = arg.values if isinstance(arg, ast.JoinedStr) else [arg]
                for part in parts:
                    if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                        continue
                    text = part.value
                    # A builtin error's message is for programmers: English, plain ASCII.
                    ok = (
                        text.isascii()
                        if builtin
                        else bool(KEY.match(text) or KEY_PREFIX.match(text))
                    )
                    if not ok:
                        sentences.append(f"{path.name}:{node.lineno} {text!r}")
    assert sentences == []


def test_t_n_pick_and_say() -> None:
    assert pick("sv", "ja", "yes") == "ja"
    assert pick("en", "ja", "yes") == "yes"
    assert t("missing.pledge", "sv", pledge_id=7) == "Löfte 7 finns inte."
    assert t("missing.pledge", "en", pledge_id=7) == "Pledge 7 does not exist."
    assert n("count.week", 1, "sv") == "1 vecka"
    assert n("count.week", 3, "sv") == "3 veckor"
    assert n("count.pledge", 0, "en") == "0 pledges"
    assert n("count.pledge", 1, "en") == "1 pledge"
    with pytest.raises(KeyError):
        t("no.such_key", "sv")


def test_a_service_error_is_said_in_the_persons_language() -> None:
    with pytest.raises(ScheduleError) as refused:
        read_time("kvart över nio")
    assert isinstance(refused.value, Keyed)
    assert refused.value.key == "schedule.bad_time"
    assert say(refused.value, "sv") == "Skriv tiden som TT:MM, till exempel 09:00."
    assert say(refused.value, "en") == "Write the time as HH:MM, for example 09:00."
    error = Invalid("rename.taken", name="Trafik", municipality="Storberga")
    assert say(error, "sv") == "kortnamnet ”Trafik” används redan i Storberga"
    assert "Storberga" in str(error)  # logs still show the values
