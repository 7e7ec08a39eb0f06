"""The benchmark suite still runs: generator, floors and every smbalance job, at N = 1,000.

Timings are not asserted (this machine may be busy running other tests); a job that
fails or a table that loses a row is.  The real figures: `python benchmarks/run.py`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
NUMBER = re.compile(r"^\d+\.\d{3}$")


def test_quick_benchmark_measures_every_job_and_its_floor(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--skip-pg", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rows = {
        cells[0]: cells[1:]
        for line in result.stdout.splitlines()
        if line.startswith("| ") and not line.startswith("| ---")
        for cells in [[cell.strip() for cell in line.strip("|").split("|")]]
    }
    expected = [
        "floor: python -c pass",
        "floor: import typer",
        "floor: import stack",
        "--version",
        "--help",
        "log @1,000",
        "start @1,000",
        "stop @1,000",
        "status @1,000",
        "watson add @1,000",
        "watson start @1,000",
        "watson stop @1,000",
        "watson status @1,000",
        "floor: sqlite3 GROUP BY @1,000",
        "floor: csv export @1,000",
        "floor: executemany import @1,000",
        "report --week @1,000",
        "report --all @1,000",
        "export csv @1,000",
        "import csv @1,000",
    ]
    assert [job for job in rows if job != "job"] == expected
    for job in expected:
        median = rows[job][0]
        # A job is measured, or its command has not landed yet; it never fails.
        # (Watson's rows: measured, or n/a where td-watson is not installed.)
        allowed = ("n/a (command missing)", "n/a (td-watson not installed)")
        assert NUMBER.match(median) or median in allowed, (job, median)
    for always_there in expected[:6]:
        assert NUMBER.match(rows[always_there][0])
        assert float(rows[always_there][1]) > 0  # peak RSS, MB
    assert rows["--version"][2] == "floor: import typer"
