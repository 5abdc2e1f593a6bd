"""The layout stays a package per verb, with data flowing one way (DESIGN.md).

Read from the source with :mod:`ast` (every import, at module level or inside
a function): no import cycle between kurskgeo's modules; a package imports
only from the packages before it in the flow; no private name (a module or
object whose name starts with ``_``) is imported from another package; the
tests import only public names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kurskgeo"

#: The flow of data: a package may import from its own rank and those before.
RANKS = {
    "kurskgeo": 0,  # errors, versions, batch: used by everyone
    "kurskgeo.datasets": 1,
    "kurskgeo.io": 1,
    "kurskgeo.area": 2,
    "kurskgeo.series": 3,
    "kurskgeo.claims": 4,
    "kurskgeo.plot": 5,
    "kurskgeo.report": 6,
    "kurskgeo.cli": 7,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {
    _module_name(p): p
    for p in sorted(PACKAGE.rglob("*.py"))
    if "__pycache__" not in p.parts
}


def _is_package(name: str) -> bool:
    return (ROOT / Path(*name.split(".")) / "__init__.py").is_file()


def _package_of(name: str) -> str:
    return name if _is_package(name) else name.rpartition(".")[0]


def _imports(name: str, path: Path) -> list[tuple[str, str | None, int]]:
    """(module imported, name taken from it or None, line) for every import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = name if _is_package(name) else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((a.name, None, node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for a in node.names:
                sub = f"{base}.{a.name}"
                if sub in MODULES:  # ``from kurskgeo.io import sources``: a module
                    out.append((sub, None, node.lineno))
                else:
                    out.append((base, a.name, node.lineno))
    return [
        (m, n, line)
        for m, n, line in out
        if m == "kurskgeo" or m.startswith("kurskgeo.")
    ]


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for name, path in MODULES.items():
        for target, _, _ in _imports(name, path):
            if name != "kurskgeo" and target in MODULES:
                graph[name].add(target)
    return graph


def test_every_module_is_in_a_known_package():
    unknown = {_package_of(m) for m in MODULES} - set(RANKS)
    assert not unknown, f"packages missing from the flow in DESIGN.md: {unknown}"


def test_nothing_imports_the_top_level_package():
    bad = [
        f"{name}:{line}"
        for name, path in MODULES.items()
        if name != "kurskgeo"
        for target, _, line in _imports(name, path)
        if target == "kurskgeo"
    ]
    assert not bad, f"import the module that defines it, not kurskgeo itself: {bad}"


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_data_flows_one_way():
    bad = []
    for name, path in MODULES.items():
        if name in ("kurskgeo", "kurskgeo.__main__"):  # the entry points
            continue
        mine = RANKS[_package_of(name)]
        for target, _, line in _imports(name, path):
            theirs = RANKS.get(_package_of(target) if target in MODULES else target)
            if (
                theirs is not None
                and theirs > mine
                and _package_of(target) != _package_of(name)
            ):
                bad.append(f"{name}:{line} imports {target}")
    assert not bad, "a package imports from one after it in the flow: " + "; ".join(bad)


def _private(module: str, obj: str | None) -> bool:
    parts = [p for p in module.split(".") if p not in ("kurskgeo",)]
    if obj is not None:
        parts.append(obj)
    return any(p.startswith("_") and not p.startswith("__") for p in parts)


def test_no_private_name_crosses_a_package():
    bad = []
    for name, path in MODULES.items():
        mine = _package_of(name)
        for target, obj, line in _imports(name, path):
            theirs = _package_of(target) if target in MODULES else target
            if theirs != mine and _private(target, obj):
                bad.append(f"{name}:{line} takes {target}{'.' + obj if obj else ''}")
    assert not bad, "private names used across packages: " + "; ".join(bad)


@pytest.mark.parametrize(
    "path", sorted((ROOT / "tests").glob("*.py")), ids=lambda p: p.name
)
def test_tests_use_public_names_only(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "kurskgeo"
        ):
            for a in node.names:
                if _private(node.module or "", a.name):
                    bad.append(f"line {node.lineno}: {node.module}.{a.name}")
        elif isinstance(node, ast.Import):
            bad += [
                f"line {node.lineno}: {a.name}"
                for a in node.names
                if a.name.startswith("kurskgeo") and _private(a.name, None)
            ]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            # kurskgeo.something._private, or a module alias's private attribute
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in ("kurskgeo", "kg"):
                if not node.attr.startswith("__"):
                    bad.append(f"line {node.lineno}: .{node.attr}")
    assert not bad, f"{path.name} uses private names: {bad}"


def test_the_checks_see_a_cycle_and_a_private_import(tmp_path):
    """The import reader resolves what the rules depend on (a guard on the guard)."""
    assert _private("kurskgeo.io._geojson", None)
    assert _private("kurskgeo.io", "_geojson")
    assert not _private("kurskgeo.io", "read_snapshot")
    assert not _private("kurskgeo.versions", "__version__")
    found = {
        t
        for t, _, _ in _imports("kurskgeo.area.engine", MODULES["kurskgeo.area.engine"])
    }
    assert "kurskgeo.io" in found and "kurskgeo.area.crs" in found
