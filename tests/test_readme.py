"""The README and the tutorial work as written: their `$` lines run, in order, with the
installed `smbalance` against a fresh store, and the quick start matches CI.

A page opts in with an HTML comment naming this file; every ```console block after that
comment is run. Between commands the fixed clock moves on a little, as it would for a
person typing them (a timer needs time to pass between `start` and `stop`).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TUTORIAL = ROOT / "docs" / "tutorial.md"
MARKER = "tests/test_readme.py"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
START = datetime(2026, 11, 27, 14, 5, tzinfo=UTC)  # Friday; the tutorial's week
STEP = timedelta(minutes=20)  # the time a person takes between two commands


def runnable_steps(page: Path) -> list[tuple[str, list[str]]]:
    """(command, the output lines the page shows under it) for every `$ ` line of every
    console block after the page's test marker."""
    text = page.read_text(encoding="utf-8")
    marker = text.find(MARKER)
    assert marker >= 0, f"{page.name} has no `{MARKER}` marker before its runnable blocks"
    steps: list[tuple[str, list[str]]] = []
    for match in FENCE.finditer(text, marker):
        if match.group(1) != "console":
            continue
        for line in match.group(2).splitlines():
            if line.startswith("$ "):
                steps.append((line.removeprefix("$ "), []))
            elif steps and line.strip() and line.strip() != "...":
                steps[-1][1].append(line.rstrip())
    return steps


def runnable_commands(page: Path) -> list[str]:
    return [command for command, _ in runnable_steps(page)]


def installed_bin() -> Path:
    """The directory of the installed `smbalance` (the venv that runs the tests)."""
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "smbalance").exists(), f"smbalance is not installed in {bin_dir}"
    return bin_dir


def user_env(home: Path, now: datetime) -> dict[str, str]:
    """A newcomer's environment: own home, config and store, fixed zone and clock."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMBALANCE_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        SMBALANCE_DB=str(home / "store.db"),
        SMBALANCE_TZ="Europe/London",
        SMBALANCE_NOW=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        LOGNAME="sam",
        USER="sam",
        NO_COLOR="1",
        COLUMNS="100",
        PATH=f"{installed_bin()}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


def run_page(page: Path, home: Path) -> list[subprocess.CompletedProcess[str]]:
    """Run the page's commands in order.  `export`/`unset` lines change the environment
    of the commands after them (a page may pin its clock with SMBALANCE_NOW); every
    output line the page shows under a command must be among the lines it printed."""
    results = []
    exported: dict[str, str] = {}
    unset: set[str] = set()
    for step, (command, shown) in enumerate(runnable_steps(page)):
        words = shlex.split(command)
        if words[0] == "export":
            for word in words[1:]:
                name, _, value = word.partition("=")
                exported[name] = value
                unset.discard(name)
            continue
        if words[0] == "unset":
            for name in words[1:]:
                exported.pop(name, None)
                unset.add(name)
            continue
        env = user_env(home, START + step * STEP)
        env.update(exported)
        for name in unset:
            env.pop(name, None)
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=home,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, (
            f"{page.name}: `{command}` exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        assert "Traceback" not in result.stderr
        printed = [line.rstrip() for line in (result.stdout + result.stderr).splitlines()]
        for line in shown:
            assert line in printed, (
                f"{page.name}: `{command}` does not print the line the page shows:\n{line}\n"
                f"it printed:\n{result.stdout}{result.stderr}"
            )
        results.append(result)
    return results


def test_readme_tour_runs_as_written(tmp_path: Path) -> None:
    commands = runnable_commands(README)
    for verb in ("log", "start", "stop", "report", "export"):
        assert any(c.startswith(f"smbalance {verb}") for c in commands), verb
    run_page(README, tmp_path)
    exported = (tmp_path / "entries.csv").read_text(encoding="utf-8").splitlines()
    assert exported[0] == "uid,id,person,category,start,end,seconds,note,tags"
    assert len(exported) == 3  # the logged entry and the timer's


def test_tutorial_runs_as_written(tmp_path: Path) -> None:
    results = run_page(TUTORIAL, tmp_path)
    assert any("Created a new store at" in r.stderr for r in results)
    # The tutorial tells the reader what the report will say; hold it to that.
    report = next(r for r in results if r.args[-1] == "smbalance report")
    assert "team-below-floor" in report.stdout and "19.1%" in report.stdout
    assert "role-overload" not in report.stdout and "below-target" not in report.stdout
    assert "32.1%" in report.stdout  # sam's share, as the text says
    rows = (tmp_path / "week.csv").read_text(encoding="utf-8").splitlines()
    people = {row.split(",")[2] for row in rows[1:]}
    assert people == {"sam", "bob"}


def quick_start_commands() -> list[str]:
    section = README.read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ")[0]
    return [m.group(2).strip() for m in FENCE.finditer(section) if m.group(1) == "bash"]


def test_quick_start_is_two_commands_and_the_second_is_what_ci_runs() -> None:
    commands = quick_start_commands()
    assert commands == [
        "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/smbalance demo",
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/pytest",
    ]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip("\n").splitlines()
    assert ci_lines[-1] == commands[1]


@pytest.mark.parametrize("page", [README, TUTORIAL], ids=lambda p: p.name)
def test_local_links_point_at_files_that_exist(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if "://" not in t and not t.startswith("mailto:")]
    assert local, "expected links into docs/"
    missing = [t for t in local if not (page.parent / t).exists()]
    assert not missing, f"{page.name} links to missing files: {missing}"


def test_report_picture_is_what_the_script_makes_now(tmp_path: Path) -> None:
    """docs/img/report.svg is regenerated by scripts/make_readme_svg.sh, never drawn by hand;
    when the report's look changes, rerun the script and commit the picture."""
    fresh = tmp_path / "report.svg"
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "make_readme_svg.sh"), str(fresh)],
        env={**os.environ, "SMBALANCE": str(installed_bin() / "smbalance")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    committed = ROOT / "docs" / "img" / "report.svg"
    assert fresh.read_bytes() == committed.read_bytes(), "run scripts/make_readme_svg.sh"
    assert "commission-crowding" in fresh.read_text(encoding="utf-8")
