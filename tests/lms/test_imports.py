"""Every module imports on its own: no import cycle hides behind a lucky import order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: third-party packages stay loaded, but before each project module
# every project module is forgotten, so each one is imported first, as some entry point would.
SCRIPT = """
import importlib, sys, traceback
OURS = ("lms", "courses", "assessments", "wsgi")
failures = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in OURS]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failures.append(name + ": " + traceback.format_exc().strip().splitlines()[-1])
print("\\n".join(failures))
sys.exit(1 if failures else 0)
"""


def _modules() -> list[str]:
    names = ["wsgi"]
    for package in ("lms", "courses", "assessments"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_each_module_imports_first():
    env = dict(os.environ, LMS_ENV="development", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", SCRIPT, *_modules()], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
