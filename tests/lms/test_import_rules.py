"""The import rules: light plugin packages, dependencies one way (lms <- courses <- assessments), no cycles."""

from __future__ import annotations

import ast
import functools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.nodb  # touches no database: it runs in the SQLite pass only

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("lms", "courses", "assessments", "community")

# Which of our packages each package may import (module level or inside a function alike). `None` as the
# module list: any module of that package; otherwise only those modules (and their submodules).
ALLOWED: dict[str, dict[str, tuple[str, ...] | None]] = {
    "lms": {"lms": None},
    "courses": {"lms": None, "courses": None},
    "assessments": {"lms": None, "courses": None, "assessments": None},
    "community": {"lms": None, "courses": ("courses.api",), "community": None},
}
# DESIGN.md: a plugin uses another only through its small interface module, courses/api.py.
ALLOWED["assessments"]["courses"] = ("courses.api",)


def project_modules(root: Path, packages=PACKAGES) -> dict[str, Path]:
    """Every module of our packages, by dotted name (a package by its own name)."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> Iterator[tuple[str, int, bool]]:
    """``(imported module, line, inside a function)`` for each import in the module, relative ones resolved.

    ``from a import b`` names the module ``a.b`` when that is one of ours, else ``a``: it is what the
    import makes Python load, and what a cycle or a rule is about.
    """
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]

    def visit(node: ast.AST, in_function: bool) -> Iterator[tuple[str, int, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno, in_function
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join(package[:len(package) - child.level + 1] + ([base] if base else []))
                for alias in child.names:
                    target = f"{base}.{alias.name}"
                    yield (target if target in modules else base), child.lineno, in_function
            yield from visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                       ast.Lambda)))

    yield from visit(_tree(path), False)


@functools.cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_bytes(), str(path))  # once per file for all the checks


def direction_violations(modules: dict[str, Path], allowed=ALLOWED) -> list[str]:
    found = []
    for name, path in modules.items():
        rules = allowed[name.split(".")[0]]
        for target, line, _ in imports_of(name, path, modules):
            top = target.split(".")[0]
            if top not in allowed:
                continue  # not one of our packages
            if top not in rules:
                found.append(f"{name}:{line}: imports {target}, against lms <- courses <- assessments")
            elif rules[top] is not None and not any(target == ok or target.startswith(ok + ".") for ok in rules[top]):
                found.append(f"{name}:{line}: imports {target}, not one of {', '.join(rules[top])}")
    return found


def import_cycles(modules: dict[str, Path]) -> list[list[str]]:
    """The groups of modules whose module-level imports go round in a circle (Tarjan's strongly connected parts)."""
    graph = {name: sorted({target for target, _, in_function in imports_of(name, path, modules)
                           if not in_function and target in modules and target != name})
             for name, path in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []
    for start in graph:  # iterative, so a long chain of imports cannot hit the recursion limit
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    work.append((successor, iter(graph[successor])))
                    break
                if successor in stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        cycles.append(sorted(group))
    return cycles


def test_dependencies_point_one_way():
    assert direction_violations(project_modules(ROOT)) == []


def test_no_import_cycle():
    assert import_cycles(project_modules(ROOT)) == []


def test_the_checks_see_a_wrong_way_import_and_a_cycle(tmp_path):
    # The two checks above pass on our tree; this proves they would fail, on a small tree written for it.
    files = {
        "lms/__init__.py": "",
        "lms/web.py": "def f():\n    from courses.models import Group\n",  # the core reaching into a plugin
        "courses/__init__.py": "",
        "courses/models.py": "from . import services\n",  # services <-> models, at module level
        "courses/services.py": "from courses.models import x\nfrom lms import web\n",
        "courses/api.py": "",
        "community/__init__.py": "",
        "community/meetings.py": "from courses.api import groups\nfrom courses import services\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    modules = project_modules(tmp_path, ("lms", "courses", "community"))
    found = direction_violations(modules)
    assert len(found) == 2
    assert any(line.startswith("lms.web:2: imports courses.models") for line in found)
    assert any(line.startswith("community.meetings:2: imports courses.services") for line in found)
    assert import_cycles(modules) == [["courses.models", "courses.services"]]


def import_closure(name: str, modules: dict[str, Path]) -> set[str]:
    """Every module importing ``name`` loads: its packages' ``__init__`` and, transitively, their module-level
    imports (ours by module, third-party ones by their top-level name)."""
    seen, stack = set(), [name]
    while stack:
        current = stack.pop()
        parts = current.split(".")
        for module in (".".join(parts[:n]) for n in range(1, len(parts) + 1)):
            if module in seen:
                continue
            seen.add(module)
            if module in modules:
                stack.extend(target for target, _, in_function in imports_of(module, modules[module], modules)
                             if not in_function)
    return {m if m.split(".")[0] in PACKAGES else m.split(".")[0] for m in seen}


def test_a_plugins_description_loads_no_view():
    # The loader imports the views a Plugin names, just before it registers the blueprint; nothing else may.
    modules = project_modules(ROOT)
    for name in ("courses", "assessments", "community", "courses.manifest", "assessments.manifest",
                 "community.manifest"):
        assert sorted(m for m in import_closure(name, modules) if ".views" in m) == [], name


# Run in a fresh interpreter: forks one child per module, each imports that module first and reports what
# came with it. The parent loads NumPy and SciPy's optimiser first (third-party, and allowed everywhere), so
# the children do not each pay for them.
LIGHT_SCRIPT = r"""
import os, sys
import numpy, scipy.optimize, scipy.sparse
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        __import__(name)
        heavy = sorted(m for m in sys.modules
                       if ".views" in m or m.split(".")[0] in ("flask", "sqlalchemy", "lms"))
        print(name, len(sys.modules), *heavy)
        sys.stdout.flush()
        os._exit(0)
    os.waitpid(pid, 0)
"""
# Importing a plugin package loads nothing of it; the measuring engine and the route planner are pure (no Flask,
# no SQLAlchemy, not even the core), so a benchmark or a worker uses them without the web application.
PURE = ("assessments.engine", "assessments.planner")


def test_plugin_packages_and_pure_parts_import_light():
    names = ["courses", "assessments", "community"] + [name for name in project_modules(ROOT, ("assessments",))
                                          if name.startswith(PURE)]
    env = dict(os.environ, LMS_ENV="development", PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", LIGHT_SCRIPT, *names], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = {line.split()[0]: line.split()[2:] for line in done.stdout.splitlines()}
    assert set(lines) == set(names), done.stdout + done.stderr[-2000:]
    assert {name: heavy for name, heavy in lines.items() if heavy} == {}
