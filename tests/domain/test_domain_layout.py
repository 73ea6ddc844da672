"""The domain's layout: no private name imported from another module, no module too large,
and the Swedish text tools and the list of kommuner each defined once."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
DOMAIN = BOT / "domain"
MAX_LINES = 600
# Modules of the page importer that are larger still; to be split as they are next worked on.
LARGER = {"pages/targets.py", "pages/structure.py"}


def _modules(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def test_no_private_name_is_imported_from_another_module() -> None:
    found = []
    for path in _modules(BOT):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot"):
                found += [
                    f"{path.relative_to(BOT)}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert found == []


def test_no_domain_module_is_over_600_lines() -> None:
    large = {
        str(path.relative_to(DOMAIN)): n
        for path in _modules(DOMAIN)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert set(large) <= LARGER, large


def _kommun_names_listed(tree: ast.AST, names: frozenset[str]) -> int:
    """How many kommun names a module writes as strings of their own or as words of a
    white-space separated list ("Upplands_Väsby" for a two-word name)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words = {node.value, *(w.replace("_", " ") for w in node.value.split())}
            found |= words & names
    return len(found)


def test_text_tools_and_the_kommuner_are_defined_once() -> None:
    """Folding tables, the Snowball stemmer and edit distances live in one module, and so does
    the list of kommuner."""
    from bot.domain.municipality_names import MUNICIPALITY_NAMES

    where: dict[str, set[str]] = {"maketrans": set(), "snowball": set(), "OSA": set()}
    lists = set()
    for path in _modules(BOT):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(BOT))
        for marker in where:
            if marker in text:
                where[marker].add(name)
        if _kommun_names_listed(ast.parse(text), MUNICIPALITY_NAMES) > 100:
            lists.add(name)
    assert where == {
        "maketrans": {"domain/swedish.py"},
        "snowball": {"domain/swedish.py"},
        "OSA": {"domain/swedish.py"},
    }
    assert lists == {"domain/municipality_names.py"}
