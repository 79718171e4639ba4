"""Independent LTI peers for the tests, each in its own virtual environment built from PyPI."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pytest

#: The platform implementation we test against, pinned; its venv is cached per version and interpreter.
PLATFORM_REQUIREMENT = "lti1p3platform==0.1.8"
#: The tool implementation our platform side is tested against (with the Flask its glue runs on).
TOOL_REQUIREMENT = "pylti1p3==2.0.0 flask==3.1.3"
HERE = Path(__file__).resolve().parent


def _skip_loudly(reason: str):
    if os.environ.get("LMS_TEST_REQUIRE_PEERS"):  # CI: PyPI is there, so a missing peer is a failure
        pytest.fail(f"LTI peers required (LMS_TEST_REQUIRE_PEERS) but not available: {reason}")
    message = f"LTI PEER TESTS SKIPPED: {reason}"
    warnings.warn(message, stacklevel=2)
    print(f"\n!!!!! {message} !!!!!", file=sys.stderr)
    pytest.skip(message)


def peer_python(requirement: str = PLATFORM_REQUIREMENT) -> str:
    """The interpreter of a venv holding ``requirement`` (space-separated pins), built once (under a lock: the
    SQLite and PostgreSQL passes run side by side) in the temp folder, or skip loudly when PyPI cannot be reached."""
    tag = f"{requirement.replace('==', '-').replace(' ', '_')}-py{sys.version_info[0]}{sys.version_info[1]}"
    root = Path(os.environ.get("LMS_TEST_PEER_DIR") or Path(tempfile.gettempdir()) / "metodist-lti-peers")
    root.mkdir(parents=True, exist_ok=True)
    target = root / tag
    python = target / "bin" / "python"
    with open(root / f"{tag}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / ".complete").exists():
            return str(python)
        building = root / f"{tag}.building"
        shutil.rmtree(building, ignore_errors=True)
        base = getattr(sys, "_base_executable", None) or sys.executable
        try:
            subprocess.run([base, "-m", "venv", str(building)], check=True, capture_output=True, timeout=120)
            result = subprocess.run(
                [str(building / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                 "--no-input", *requirement.split()], capture_output=True, text=True, timeout=300)
        except (subprocess.SubprocessError, OSError) as exc:
            shutil.rmtree(building, ignore_errors=True)
            _skip_loudly(f"could not build a venv for {requirement}: {exc}")
        if result.returncode != 0:
            shutil.rmtree(building, ignore_errors=True)
            _skip_loudly(f"pip could not install {requirement} from PyPI: {result.stderr.strip()[-500:]}")
        # Renamed whole once complete, so a half-built venv is never used; its python finds its pyvenv.cfg
        # beside itself, wherever the folder is (only console scripts' shebangs keep the old path: unused).
        shutil.rmtree(target, ignore_errors=True)
        building.rename(target)
        (target / ".complete").write_text(requirement)
    return str(python)
