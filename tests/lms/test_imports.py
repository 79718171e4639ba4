"""Every module imports on its own: no import cycle hides behind a lucky import order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.nodb  # touches no database: it runs in the SQLite pass only

ROOT = Path(__file__).resolve().parents[2]
OURS = ("lms", "courses", "assessments", "community", "wsgi")

# Runs in a fresh interpreter that never imports a project module itself. It imports the third-party
# modules the project's sources import at module level and compiles the project's bytecode once, then
# forks one child per project module (as many at a time as there are CPUs): each child starts with no
# project module in sys.modules, exactly as a fresh interpreter would, and imports its module first.
# Per-module fresh interpreters are what prove "imports first"; forking them from this parent only
# spares each one Python's start-up, the third-party imports and the compiling.
SCRIPT = r"""
import ast, compileall, gc, importlib, os, sys, traceback
from pathlib import Path

ROOT = Path(sys.argv[1])
OURS = set(sys.argv[2].split(","))
# Importing `pkg.sub` first runs `pkg/__init__.py` first, completely, exactly as `import pkg` would: a package
# with a submodule in the list is proven by its submodules' children and needs no child of its own.
names = [name for name in sys.argv[3:] if not any(other.startswith(name + ".") for other in sys.argv[3:])]


def module_level_imports(tree):
    # Imports run when a module loads: its body, class bodies, if/try blocks; not function bodies.
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            yield from (node.module + "." + alias.name for alias in node.names if alias.name != "*")
        else:
            stack.extend(ast.iter_child_nodes(node))


third_party = set()
for package in sorted(OURS):
    for path in [ROOT / (package + ".py")] + sorted((ROOT / package).rglob("*.py")):
        if path.is_file():
            for name in module_level_imports(ast.parse(path.read_bytes())):
                if name.split(".")[0] not in OURS:
                    third_party.add(name)
for name in sorted(third_party):
    try:
        importlib.import_module(name)
    except Exception:
        pass  # a name imported from a module rather than a submodule, or a real failure the child will report
assert not [m for m in sys.modules if m.split(".")[0] in OURS], "the parent must not import the project"
# Bytecode of the project, compiled once (into PYTHONPYCACHEPREFIX) rather than in every child.
for package in sorted(OURS):
    path = ROOT / (package + ".py")
    if path.is_file():
        compileall.compile_file(str(path), quiet=2)
    elif path.with_suffix("").is_dir():
        compileall.compile_dir(str(path.with_suffix("")), quiet=2)
gc.freeze()  # the children's collector leaves the parent's objects, and their pages, alone


def child(name):
    try:
        importlib.import_module(name)
    except BaseException:
        os.write(2, (name + ": " + traceback.format_exc().strip().splitlines()[-1] + "\n").encode())
        os._exit(1)
    os._exit(0)


failures, running, pending = [], {}, list(names)
width = max(2, os.cpu_count() or 1)
sys.stdout.flush(); sys.stderr.flush()
while pending or running:
    while pending and len(running) < width:
        name = pending.pop(0)
        pid = os.fork()
        if pid == 0:
            child(name)
        running[pid] = name
    pid, status = os.wait()
    name = running.pop(pid)
    if os.waitstatus_to_exitcode(status) != 0:
        failures.append(name)
print("\n".join(failures))
sys.exit(1 if failures else 0)
"""


def _modules() -> list[str]:
    names = ["wsgi"]
    for package in ("lms", "courses", "assessments", "community"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_each_module_imports_first(tmp_path):
    env = dict(os.environ, LMS_ENV="development", PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1",
               PYTHONPYCACHEPREFIX=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT), ",".join(OURS), *_modules()], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
