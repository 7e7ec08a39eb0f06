"""A few runs of the installed `smbalance` script, as a shell or cron would run it."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import assert_error
from smbalance import __version__

SCRIPT = shutil.which("smbalance", path=str(Path(sys.executable).parent)) or "smbalance"


def run(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env, timeout=60)


def test_version_and_module_entry_point():
    assert run("--version").stdout.strip() == f"smbalance {__version__}"
    module = subprocess.run(
        [sys.executable, "-m", "smbalance", "--help"], capture_output=True, text=True, timeout=60
    )
    assert module.returncode == 0 and "Tracking:" in module.stdout


def test_log_then_export_entries_through_the_script(tmp_path):
    db = str(tmp_path / "s.db")
    logged = run("--db", db, "log", "sales", "1h30m", "-q")
    assert (logged.returncode, logged.stdout) == (0, "1\n")
    assert "Created a new store" in logged.stderr
    listed = run("--db", db, "entries", "--format", "json")
    (entry,) = json.loads(listed.stdout)
    assert (entry["person"], entry["seconds"], entry["end"]) == (
        "tester",  # the login name: the default person, created on first use
        5400,
        "2026-11-27T14:05:00Z",
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [(["log", "sales", "90"], 2), (["frobnicate"], 2), (["stop", "--who", "nobody"], 1)],
)
def test_failures_are_one_error_line_without_traceback(tmp_path, args, code):
    result = run("--db", str(tmp_path / "s.db"), *args)
    assert_error(result, code)


def test_an_ascii_only_output_gets_a_clean_error_with_the_fix(tmp_path):
    db = str(tmp_path / "s.db")
    assert run("--db", db, "log", "sales", "1h", "--note", "café").returncode == 0
    result = run("--db", db, "entries", env_extra={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 1
    assert result.stderr == (
        "Error: the output's encoding (ascii) cannot write U+00E9; set PYTHONIOENCODING=utf-8 "
        "(or use a UTF-8 locale) and run the command again\n"
    )


def test_default_store_is_private(tmp_path):
    result = run("log", "sales", "1h")
    assert result.returncode == 0, result.stderr
    store = Path(os.environ["XDG_DATA_HOME"]) / "smbalance" / "smbalance.db"
    assert store.exists()
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.parent.stat().st_mode) == 0o700
