"""The layers read as docs/architecture.md says (its "Dependency order" line): no module imports a package of a
higher layer, no import loop among Pioneer's modules (function-local imports included: a deferred import hides
a loop, it does not remove it), and settings are read only through ``pioneer.config``.

The walk is over the syntax tree of every module under src/pioneer, so it needs nothing to be importable."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
MODULES = {
    ".".join(p.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__"): p
    for p in sorted((SRC / "pioneer").rglob("*.py"))
}


def _layers() -> list[list[str]]:
    """The line ``Dependency order: a, b ← c ← d/e …`` of docs/architecture.md: layers from the bottom up; a
    name is a package or module under ``pioneer`` (``db.migrations`` names a sub-package)."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("Dependency order:"))
    body = line.split(":", 1)[1].strip().rstrip(".")
    return [[n.strip(" `") for n in re.split(r"[,/]", layer) if n.strip(" `")] for layer in body.split("←")]


LAYERS = _layers()

# Loops found and not yet broken, each with what breaks it. The test fails on any other loop, and on a listed
# one that is gone (then delete its entry): the list can only shrink.
KNOWN_LOOPS: set[tuple[str, ...]] = set()  # the last one (standards.air evaluation ↔ period) is gone
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def _rank(module: str) -> int | None:
    """The layer of a module ``pioneer.x.y…``: of its longest listed prefix (``db.migrations`` before ``db``)."""
    parts = module.split(".")[1:]
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in RANK:
            return RANK[".".join(parts[:n])]
    return None


def _imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported pioneer module) of every import in the module, wherever it stands."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            for a in node.names:
                sub = f"{base}.{a.name}"
                found.append((node.lineno, sub if sub in MODULES else base))
    return [(line, m) for line, m in found if m == "pioneer" or m.startswith("pioneer.")]


def test_every_package_has_a_layer() -> None:
    unplaced = sorted({m.split(".")[1] for m in MODULES if m != "pioneer" and _rank(m) is None})
    assert not unplaced, f"add {unplaced} to the 'Dependency order' line of docs/architecture.md"


def test_no_upward_import() -> None:
    upward = []
    for module, path in MODULES.items():
        own = _rank(module)
        for line, target in _imports(module, path):
            rank = _rank(target)
            if own is not None and rank is not None and rank > own:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {target} (layer {rank} > {own})")
    assert not upward, "\n".join(upward)


def test_no_import_loop() -> None:
    graph = {m: {t for _, t in _imports(m, p) if t in MODULES and t != m} for m, p in MODULES.items()}
    # importing a.b.c runs a/__init__ and a/b/__init__ first
    for m in graph:
        for t in list(graph[m]):
            parts = t.split(".")
            graph[m] |= {
                ".".join(parts[:i]) for i in range(2, len(parts)) if not m.startswith(".".join(parts[:i]))
            }
    graph = {m: {t for t in ts if t in MODULES} for m, ts in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    loops: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while (w := stack.pop()) != v:
                component.append(w)
            component.append(v)
            if len(component) > 1:
                loops.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    found = {tuple(c) for c in loops}
    new, gone = found - KNOWN_LOOPS, KNOWN_LOOPS - found
    assert not new, "import loops: " + "; ".join(" ↔ ".join(c) for c in sorted(new))
    assert not gone, f"loops broken — delete them from KNOWN_LOOPS: {sorted(gone)}"


@pytest.mark.parametrize("needle", ["os.environ", "os.getenv", "getenv("])
def test_settings_only_through_config(needle: str) -> None:
    readers = [
        f"{p.relative_to(ROOT)}"
        for m, p in MODULES.items()
        if m != "pioneer.config" and needle in p.read_text(encoding="utf-8")
    ]
    assert not readers, f"read settings through pioneer.config.settings(), not {needle}: {readers}"


def test_test_modules_have_unique_names() -> None:
    """pytest imports test files without packages by their base name: two ``test_api.py`` collide in one run."""
    tests = Path(__file__).resolve().parents[1]
    names = [p.name for p in tests.rglob("test_*.py")]
    assert not {n for n in names if names.count(n) > 1}
