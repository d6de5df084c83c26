"""The house rules of sim/ (docs/architecture.md), checked over the source with ``ast``.

Imports point one way — cli → report → analysis → experiments → results → engine →
policies → bargaining → model → scenario — every import counts (inside functions
and under ``TYPE_CHECKING`` too), modules form no circle, nobody imports another
package's private names, and modules and model/bargaining functions stay small.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SIM = ROOT / "sim"
ORDER = ["cli", "report", "analysis", "experiments", "results", "engine", "policies", "bargaining", "model", "scenario"]
FOUNDATION = {"sim.errors", "sim.registry"}  # may be imported by every package
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60  # in model/ and bargaining/


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(SIM.rglob("*.py"))}


def package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ORDER else None


def imports_of(module: str) -> list[tuple[str, list[str], int]]:
    """``(imported sim module, names taken from it, line)`` for every import in ``module``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names if a.name.split(".")[0] == "sim"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_pkg else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "sim":
                continue
            names = [a.name for a in node.names]
            # ``from sim.pkg import module`` imports that module
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
            out += [(s, [], node.lineno) for s in subs]
            rest = [n for n in names if f"{target}.{n}" not in MODULES]
            if rest or not subs:
                out.append((target, rest, node.lineno))
    return out


def edges() -> list[tuple[str, str, list[str], int]]:
    return [(m, t, names, line) for m in MODULES for t, names, line in imports_of(m)]


def test_imports_point_downward_only():
    bad = []
    for src, dst, _names, line in edges():
        if src in ("sim", "sim.__main__") or dst in FOUNDATION:
            continue
        if dst == "sim":
            bad.append(f"{src}:{line} imports the package face 'sim' (import the module itself)")
            continue
        p, q = package_of(src), package_of(dst)
        if p is None:
            bad.append(f"{src}:{line} is outside the packages of the layout")
            continue
        if q is None:
            bad.append(f"{src}:{line} imports {dst}, which is outside the packages of the layout")
        elif p == "model" and q != "model":
            bad.append(f"{src}:{line} imports {dst}: model/ imports nothing of sim but errors")
        elif ORDER.index(q) < ORDER.index(p):
            bad.append(f"{src}:{line} imports {dst}: {p}/ may not import {q}/ (upward)")
    assert not bad, "\n".join(bad)


def test_no_import_circles():
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for src, dst, _names, _line in edges():
        if dst in MODULES and dst != src and src != "sim":
            graph[src].add(dst)
    # Tarjan's strongly connected components
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    assert not circles, "import circles: " + "; ".join(" ↔ ".join(c) for c in circles)


def test_no_private_names_from_other_packages():
    bad = [
        f"{src}:{line} imports {n} from {dst}"
        for src, dst, names, line in edges()
        for n in names
        if n.startswith("_") and not n.startswith("__") and package_of(src) != package_of(dst)
    ]
    assert not bad, "\n".join(bad)


def test_modules_are_small():
    big = {
        m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not big, f"modules over {MAX_MODULE_LINES} lines: {big}"


def test_model_and_bargaining_functions_are_short():
    long = []
    for m, p in MODULES.items():
        if package_of(m) not in ("model", "bargaining"):
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{m}.{node.name}: {n} lines")
    assert not long, "\n".join(long)


def test_the_checker_sees_an_upward_edge(tmp_path, monkeypatch):
    """The rule above could fail: an engine module importing the report is caught."""
    fake = SIM / "engine" / "core.py"
    monkeypatch.setitem(MODULES, "sim.engine.zz_upward", tmp_path / "zz.py")
    (tmp_path / "zz.py").write_text("from sim.report.build import build_report\n")
    found = [(s, d) for s, d, _n, _l in edges() if s == "sim.engine.zz_upward"]
    assert found and package_of(found[0][1]) == "report" and fake.exists()
    with pytest.raises(AssertionError, match=r"zz_upward:1 imports sim\.report\.build: engine/ may not import report/"):
        test_imports_point_downward_only()


# ----------------------------------------------------------- the documented path
PATH_SECTION = re.compile(r"<!-- path -->(.*?)<!-- /path -->", re.S)


def test_documented_data_path_only_imports_downward():
    """docs/architecture.md follows ``initial_stock_days`` from YAML to a figure, one module per
    package on the way; every module it names exists and imports only downward."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = PATH_SECTION.search(text)
    assert section, "docs/architecture.md lacks the <!-- path --> section"
    steps = re.findall(r"`(sim/[\w/]+\.py)`", section.group(1))
    modules = [module_name(ROOT / s) for s in steps]
    assert all(m in MODULES for m in modules), [s for s, m in zip(steps, modules) if m not in MODULES]
    packages = [package_of(m) for m in modules]
    assert packages[0] == "scenario" and packages[-1] == "report", packages
    assert len(set(packages)) == len(packages) >= 6, f"one module per package: {packages}"
    upward = [
        (src, dst)
        for src, dst, _n, _l in edges()
        if src in modules and package_of(dst) in ORDER and ORDER.index(package_of(dst)) < ORDER.index(package_of(src))
    ]  # type: ignore[arg-type]
    assert not upward, upward
