"""The layering rules, read from the code: every import of every module under bot/ and storage/,
those inside functions included, parsed with `ast` (nothing is imported or run).

The layers, from the bottom: storage (tables, queries) <- bot.domain (pure rules) <- bot.services
(use cases, computing what to say and to post, as data) <- bot.render (texts and markup) <- the
two wings that speak to Telegram: inbound (bot.inbox, bot.handlers) and outbound (bot.delivery).
Arrows point down only, and there is no import cycle anywhere.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "storage")

# Who may import `telegram` (python-telegram-bot), each with its reason. A module is allowed
# when its name is one of these or lies below one of them.
TELEGRAM_ALLOWED: dict[str, str] = {
    "bot.handlers": "the inbound wing: handlers reply to the update in hand",
    "bot.delivery": "the outbound wing: outbox, channel publisher, scheduler, reminders sender",
    "bot.render.links": "deep links are made by PTB's helper (telegram.helpers; no Bot API "
    "object: keyboards are data, bot.render.keyboards)",
    "bot.inbox": "the inbound wing's front door: parses updates, feeds PTB's dispatch",
    "bot.context": "the typed PTB callback context, and the update's key shared by inbox and "
    "handlers",
    "bot.app": "builds the PTB Application and wires handlers and the scheduler",
    "bot.serve": "runs the application: polling or webhook",
    "bot.console": "the offline chat: a fake Bot API transport for PTB",
    "bot.cli": "`loftesbot`'s commands; the token check talks to the Bot API",
    "bot.report_cli": "`loftesbot report --publish` builds a Bot for the publisher",
    "bot.botapi": "the Bot API Defaults and the one way to build a bot outside the application",
    "bot.menus": "sets the command menus and descriptions through the Bot API",
}

# Modules the lower layers (services, domain) must never import: they speak to Telegram or
# render, and lie above.
UPPER = (
    "bot.render",
    "bot.handlers",
    "bot.delivery",
    "bot.inbox",
    "bot.context",
    "bot.app",
    "bot.serve",
    "bot.console",
    "bot.cli",
    "bot.report_cli",
    "bot.botapi",
    "bot.menus",
)

# The wings and the application around them: render lies below them all.
WINGS = ("bot.handlers", "bot.delivery", "bot.inbox", "bot.app", "bot.serve", "bot.console")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (or a name of ours resolved to its module)
    line: int

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} ({_path(self.source)}:{self.line})"


def _path(module: str) -> str:
    base = ROOT.joinpath(*module.split("."))
    if (base / "__init__.py").exists():
        return str((base / "__init__.py").relative_to(ROOT))
    return str(base.with_suffix(".py").relative_to(ROOT))


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of ours: dotted name -> file."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _resolve(source: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = source.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(source: str, path: Path, ours: Iterable[str]) -> list[Import]:
    """Every import in the module, at any depth (functions, classes, `if` blocks)."""
    known = set(ours)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(Import(source, alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(source, is_package, node)
            for alias in node.names:
                # `from bot.delivery import scheduler` imports the module bot.delivery.scheduler.
                name = f"{base}.{alias.name}"
                found.append(Import(source, name if name in known else base, node.lineno))
    return list(dict.fromkeys(found))  # one entry per (module, target, line)


def graph(root: Path = ROOT) -> tuple[dict[str, Path], list[Import]]:
    mods = modules(root)
    edges = [imp for name, path in mods.items() for imp in imports_of(name, path, mods)]
    return mods, edges


def _ours(target: str, mods: dict[str, Path]) -> str | None:
    """The module of ours an import names (the longest known prefix), or None."""
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in mods:
            return name
    return None


def rule_violations(mods: dict[str, Path], edges: list[Import]) -> list[str]:
    problems: list[str] = []
    for imp in edges:
        src, dst = imp.source, imp.target
        if _within(dst, "telegram") and not any(_within(src, a) for a in TELEGRAM_ALLOWED):
            problems.append(f"telegram is imported below the wings: {imp}")
        if _within(src, "bot.services") or _within(src, "bot.domain"):
            for upper in UPPER:
                if _within(dst, upper):
                    problems.append(f"a lower layer imports {upper}: {imp}")
        if _within(src, "bot.domain") and (_within(dst, "bot.services") or _within(dst, "storage")):
            problems.append(f"the pure domain imports services or storage: {imp}")
        if _within(src, "storage") and _within(dst, "bot"):
            problems.append(f"storage imports the bot: {imp}")
        if _within(src, "bot.render") and any(_within(dst, w) for w in WINGS):
            problems.append(f"render imports a wing: {imp}")
        if _within(src, "bot.inbox") and _within(dst, "bot.handlers"):
            problems.append(f"the inbox imports the handlers (use bot.context): {imp}")
    return problems


def cycles(mods: dict[str, Path], edges: list[Import]) -> list[list[str]]:
    """One cycle path (first module repeated at the end) for every strongly connected group of
    modules of ours that import each other (Tarjan's algorithm)."""
    succ: dict[str, set[str]] = {name: set() for name in mods}
    for imp in edges:
        target = _ours(imp.target, mods)
        if target is not None and target != imp.source:
            succ[imp.source].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        # Iterative, so deep chains do not reach Python's recursion limit.
        work: list[tuple[str, list[str]]] = [(start, sorted(succ[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop(0)
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(succ[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)

    for name in sorted(mods):
        if name not in index:
            visit(name)
    return [_path_in(group, succ) for group in groups]


def _path_in(group: set[str], succ: dict[str, set[str]]) -> list[str]:
    """A shortest cycle through the group's first module, found breadth first."""
    start = min(group)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(succ[node] & group):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return [start, start]


def _where(path: list[str], edges: list[Import], mods: dict[str, Path]) -> str:
    lines = []
    for src, dst in itertools.pairwise(path):
        line = next((i.line for i in edges if i.source == src and _ours(i.target, mods) == dst), 0)
        lines.append(f"  {src} -> {dst}  ({_path(src)}:{line})")
    return "\n".join(lines)


# --- the tests ---------------------------------------------------------------------------


def test_the_graph_reads_every_module_and_imports_inside_functions() -> None:
    mods, edges = graph()
    assert "bot.delivery.outbox" in mods and "storage.db" in mods
    # report_cli imports the publisher inside a function: such imports count too.
    assert any(i.source == "bot.report_cli" and i.target == "bot.delivery.publisher" for i in edges)


def test_layers_point_down_only() -> None:
    mods, edges = graph()
    problems = rule_violations(mods, edges)
    assert not problems, "import rules broken:\n" + "\n".join(problems)


def test_no_import_cycles() -> None:
    mods, edges = graph()
    found = cycles(mods, edges)
    assert not found, "import cycles:\n" + "\n\n".join(
        " -> ".join(path) + "\n" + _where(path, edges, mods) for path in found
    )


def test_the_checks_catch_what_they_are_for(tmp_path: Path) -> None:
    """The rules on a small tree with each fault: a check that cannot fail proves nothing."""
    files = {
        "bot/__init__.py": "",
        "bot/services/__init__.py": "",
        "bot/services/a.py": "def f():\n    from bot.render import b\n",
        "bot/services/t.py": "import telegram\n",
        "bot/render/__init__.py": "",
        "bot/render/b.py": "from bot.services import a\n",
        "bot/domain/__init__.py": "",
        "bot/domain/d.py": "from storage import s\n",
        "storage/__init__.py": "",
        "storage/s.py": "from bot.domain import d\n",
        "bot/inbox.py": "from bot.handlers.common import update_key\n",
        "bot/handlers/__init__.py": "",
        "bot/handlers/common.py": "",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    mods, edges = graph(tmp_path)
    problems = "\n".join(rule_violations(mods, edges))
    assert "telegram is imported below the wings: bot.services.t -> telegram" in problems
    assert "a lower layer imports bot.render: bot.services.a -> bot.render.b" in problems
    assert "the pure domain imports services or storage: bot.domain.d -> storage.s" in problems
    assert "storage imports the bot: storage.s -> bot.domain.d" in problems
    assert "the inbox imports the handlers (use bot.context): bot.inbox -> " in problems
    found = cycles(mods, edges)
    assert sorted(found) == [
        ["bot.domain.d", "storage.s", "bot.domain.d"],
        ["bot.render.b", "bot.services.a", "bot.render.b"],
    ]
