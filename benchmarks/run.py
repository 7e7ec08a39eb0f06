"""Measure smbalance against its floors, in one run, and print the table.

Every figure is a whole process: wall time from spawn to exit, and the child's peak RSS
from `os.wait4`.  Each job runs `--runs` times (default 5) and the median is reported;
the floors (`python -c pass`, the stack imports, plain sqlite3/csv doing the same work)
are measured in the same run on the same data, so ratios hold across machines.

    python benchmarks/run.py                    # 1k and 1M stores, 5 runs, with PostgreSQL
    python benchmarks/run.py --sizes 1000,100000 --runs 3 --skip-pg
    python benchmarks/run.py --quick --skip-pg  # N = 1,000, 1 run: the smoke test
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # a sibling script, not a package

HERE = Path(__file__).resolve().parent
FLOORS = HERE / "floors.py"
PYTHON = sys.executable
PG_URL = os.environ.get("SMBALANCE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/")
# "Now" is the last generated work day, late afternoon: `report --week` has a full week.
NOW = "2026-11-27T17:00:00Z"
# `log` goes into a Saturday morning, which the generator always leaves free.
LOG_ARGS = ("log", "sales", "--start", "2026-11-28 10:00", "--end", "2026-11-28 11:00")


class CommandMissing(Exception):
    """The smbalance command is not there (yet)."""


class JobFailed(Exception):
    pass


@dataclass(frozen=True)
class Figure:
    seconds: float
    rss_mb: float


def smbalance_argv() -> list[str]:
    script = Path(PYTHON).parent / "smbalance"
    return [str(script)] if script.exists() else [PYTHON, "-m", "smbalance"]


# A forked child's peak RSS includes the pages of the process it was forked from (Linux
# keeps the pre-exec high-water mark), so a child of this runner would never report
# less than the runner's own size.  GNU time is a tiny C process: spawned through it,
# the figure is the command's own.  Without it, wait4's figure is an upper bound.
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def run_once(argv: list[str], env: dict[str, str], stdout_path: Path | None) -> Figure:
    with (
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as rss,
        open(stdout_path or os.devnull, "wb") as out,
    ):
        wrapped = [GNU_TIME, "-f", "%M", "-o", rss.name, *argv] if GNU_TIME else argv
        began = time.perf_counter()
        process = subprocess.Popen(wrapped, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - began
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            message = err.read().decode(errors="replace").strip()
            if "No such command" in message:
                raise CommandMissing(message)
            raise JobFailed(f"{' '.join(argv)} exited {code}: {message[-800:]}")
        peak_kib = int(rss.read().split()[-1]) if GNU_TIME else usage.ru_maxrss
    return Figure(elapsed, peak_kib / 1024)


def measure(
    argv: list[str],
    runs: int,
    env: dict[str, str],
    *,
    prepare: Callable[[], None] | None = None,
    stdout_path: Path | None = None,
) -> Figure:
    """Median wall time and median peak RSS of `runs` runs (`prepare` before each, untimed)."""
    figures = []
    for _ in range(runs):
        if prepare is not None:
            prepare()
        figures.append(run_once(argv, env, stdout_path))
    return Figure(
        statistics.median(f.seconds for f in figures),
        statistics.median(f.rss_mb for f in figures),
    )


def copier(source: Path, target: Path) -> Callable[[], None]:
    """Copy a store afresh before each run, so writes never accumulate between runs."""

    def prepare() -> None:
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, target)

    return prepare


def bench_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        SMBALANCE_CONFIG=str(home / "config.toml"),  # absent: defaults only
        SMBALANCE_NOW=NOW,
        SMBALANCE_TZ="Europe/London",
        NO_COLOR="1",
        COLUMNS="120",
    )
    for name in ("SMBALANCE_DB", "SMBALANCE_DEBUG", "PYTHONPROFILEIMPORTTIME"):
        env.pop(name, None)
    return env


# ---- the run ------------------------------------------------------------------------


class Bench:
    """Holds the figures of one run (None: the command is missing)."""

    def __init__(self, runs: int, work: Path, *, verbose: bool = True) -> None:
        self.runs = runs
        self.work = work
        self.env = bench_env(work)
        self.figures: dict[str, Figure | None] = {}
        self.notes: dict[str, str] = {}
        self.smb = smbalance_argv()
        self.verbose = verbose

    def job(self, key: str, argv: list[str], **kwargs) -> Figure | None:  # type: ignore[no-untyped-def]
        try:
            figure = measure(argv, self.runs, self.env, **kwargs)
        except CommandMissing:
            figure = None
            self.notes[key] = "n/a (command missing)"
        except JobFailed as exc:
            figure = None
            self.notes[key] = "failed"
            print(f"! {key}: {exc}", file=sys.stderr)
        self.figures[key] = figure
        if self.verbose:
            shown = self.notes.get(key) or f"{figure.seconds:.3f} s, {figure.rss_mb:.0f} MB"  # type: ignore[union-attr]
            print(f"  {key:<36} {shown}", file=sys.stderr, flush=True)
        return figure

    def floors(self) -> None:
        self.job("floor: python -c pass", [PYTHON, "-c", "pass"])
        self.job("floor: import typer", [PYTHON, "-c", "import typer"])
        self.job(
            "floor: import stack",
            [PYTHON, "-c", "import typer, rich, sqlmodel, pendulum"],
        )

    def startup(self) -> None:
        self.job("--version", [*self.smb, "--version"])
        self.job("--help", [*self.smb, "--help"])

    def log(self, size: int) -> None:
        source = generate.sqlite_store(size)
        target = self.work / f"log-{size}.db"
        argv = [*self.smb, "--db", str(target), *LOG_ARGS, "--who", "person01", "-q"]
        self.job(f"log @{size:,}", argv, prepare=copier(source, target))

    def sqlite_size(self, size: int) -> None:
        source = generate.sqlite_store(size)
        store = self.work / f"read-{size}.db"
        copier(source, store)()
        db = ["--db", str(store)]
        floor_csv = self.work / f"floor-{size}.csv"
        self.job(f"floor: sqlite3 GROUP BY @{size:,}", [PYTHON, str(FLOORS), "groupby", str(store)])
        self.job(
            f"floor: csv export @{size:,}",
            [PYTHON, str(FLOORS), "csv-export", str(store), str(floor_csv)],
        )
        self.job(f"report --week @{size:,}", [*self.smb, *db, "report", "--week"])
        self.job(f"report --all @{size:,}", [*self.smb, *db, "report", "--all"])
        export_csv = self.work / f"export-{size}.csv"
        exported = self.job(
            f"export csv @{size:,}",
            [*self.smb, *db, "export", "--format", "csv"],
            stdout_path=export_csv,
        )
        # Import what smbalance exported; before `export` exists, the floor's equal CSV.
        to_import = export_csv if exported is not None else floor_csv
        empty = self.work / "import.db"
        prepare = copier(generate.empty_store(), empty)
        self.job(
            f"floor: executemany import @{size:,}",
            [PYTHON, str(FLOORS), "csv-import", str(to_import), str(empty)],
            prepare=prepare,
        )
        self.job(
            f"import csv @{size:,}",
            [*self.smb, "--db", str(empty), "import", str(to_import), "--format", "csv"],
            prepare=prepare,
        )

    def postgres_size(self, size: int) -> None:
        url = pg_store(size)
        db = ["--db", url]
        self.job(f"pg report --week @{size:,}", [*self.smb, *db, "report", "--week"])
        self.job(f"pg report --all @{size:,}", [*self.smb, *db, "report", "--all"])
        self.job(
            f"pg export csv @{size:,}",
            [*self.smb, *db, "export", "--format", "csv"],
            stdout_path=self.work / f"pg-export-{size}.csv",
        )


def pg_store(size: int) -> str:
    """A PostgreSQL database holding the generated store (loaded once, then reused)."""
    import psycopg

    name = f"smbalance_bench_{size}_{generate.cache_tag().replace('-', '_')}"
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://").rstrip("/") + "/postgres"
    url = PG_URL.rstrip("/") + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as db:
                try:
                    count = db.execute("SELECT count(*) FROM entry").fetchone()[0]
                except psycopg.Error:
                    count = -1
            if count == size:
                return url
            conn.execute(f'DROP DATABASE "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    generate.load_postgres(url, generate.sqlite_store(size))
    return url


# ---- the table ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    job: str
    floor: str | None
    target: str
    check: Callable[[Figure, Figure | None], bool | None]
    ratio: Callable[[Figure, Figure], str] | None = None


def times(figure: Figure, floor: Figure) -> str:
    return f"{figure.seconds / floor.seconds:.2f}×"


def plus(figure: Figure, floor: Figure) -> str:
    return f"+{figure.seconds - floor.seconds:.2f} s"


def rows(sizes: list[int], figures: dict[str, Figure | None], pg: bool) -> list[Row]:
    typer_floor, stack = "floor: import typer", "floor: import stack"
    small, big = f"log @{min(sizes):,}", f"log @{max(sizes):,}"
    log_small = figures.get(small)
    table = [
        Row("floor: python -c pass", None, "", lambda f, _: None),
        Row(typer_floor, None, "", lambda f, _: None),
        Row(stack, None, "", lambda f, _: None),
    ]
    for job in ("--version", "--help"):
        table.append(
            Row(
                job,
                typer_floor,
                "≤ 0.35 s and ≤ 3× typer",
                lambda f, fl: f.seconds <= 0.35 and fl is not None and f.seconds <= 3 * fl.seconds,
            )
        )
    table.append(Row(small, stack, "(baseline for log)", lambda f, _: None))
    if big != small:
        table.append(
            Row(
                big,
                stack,
                f"≤ 1.15× stack and ≤ 1.1× {small}",
                lambda f, fl: (
                    fl is not None
                    and f.seconds <= 1.15 * fl.seconds
                    and log_small is not None
                    and f.seconds <= 1.1 * log_small.seconds
                ),
            )
        )
    for size in sizes:
        n = f"@{size:,}"
        groupby, csv_floor = f"floor: sqlite3 GROUP BY {n}", f"floor: csv export {n}"
        import_floor = f"floor: executemany import {n}"
        table += [
            Row(groupby, None, "", lambda f, _: None),
            Row(csv_floor, None, "", lambda f, _: None),
            Row(import_floor, None, "", lambda f, _: None),
            Row(
                f"report --week {n}",
                stack,
                "≤ stack + 0.3 s",
                lambda f, fl: fl is not None and f.seconds <= fl.seconds + 0.3,
                plus,
            ),
            Row(
                f"report --all {n}",
                groupby,
                "≤ 2× GROUP BY, ≤ 120 MB",
                lambda f, fl: fl is not None and f.seconds <= 2 * fl.seconds and f.rss_mb <= 120,
            ),
            Row(
                f"export csv {n}",
                csv_floor,
                "≤ 1.5× csv, ≤ 150 MB",
                lambda f, fl: fl is not None and f.seconds <= 1.5 * fl.seconds and f.rss_mb <= 150,
            ),
            Row(
                f"import csv {n}",
                import_floor,
                "≤ 3× executemany",
                lambda f, fl: fl is not None and f.seconds <= 3 * fl.seconds,
            ),
        ]
        if pg:
            for job in ("report --week", "report --all", "export csv"):
                table.append(
                    Row(
                        f"pg {job} {n}",
                        f"{job} {n}",
                        "≤ 2× SQLite",
                        lambda f, fl: fl is not None and f.seconds <= 2 * fl.seconds,
                    )
                )
    return table


def render(table: list[Row], figures: dict[str, Figure | None], notes: dict[str, str]) -> str:
    lines = [
        "| job | median s | peak RSS MB | floor | ratio | target | result |",
        "| --- | ---: | ---: | --- | ---: | --- | --- |",
    ]
    for row in table:
        if row.job not in figures:
            continue
        figure = figures[row.job]
        floor = figures.get(row.floor) if row.floor else None
        if figure is None:
            note = notes.get(row.job, "n/a")
            lines.append(f"| {row.job} | {note} | | {row.floor or ''} | | {row.target} | n/a |")
            continue
        ratio = ""
        if floor is not None:
            ratio = (row.ratio or times)(figure, floor)
        verdict = row.check(figure, floor)
        result = "" if verdict is None else ("pass" if verdict else "**FAIL**")
        lines.append(
            f"| {row.job} | {figure.seconds:.3f} | {figure.rss_mb:.0f} | {row.floor or ''} "
            f"| {ratio} | {row.target} | {result} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000", help="store sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="runs per job (median)")
    parser.add_argument("--quick", action="store_true", help="N = 1,000, 1 run (smoke test)")
    parser.add_argument("--skip-pg", action="store_true", help="leave out PostgreSQL")
    parser.add_argument("--data-dir", type=Path, help="where generated stores are cached")
    args = parser.parse_args(argv)
    if args.data_dir:
        generate.DATA_DIR = args.data_dir
    sizes = [1000] if args.quick else sorted({int(s) for s in args.sizes.split(",")})
    runs = 1 if args.quick else args.runs
    log_sizes = sorted({1000, *sizes})
    began = time.perf_counter()
    for size in log_sizes:
        generate.sqlite_store(size)
    with tempfile.TemporaryDirectory(prefix="smbalance-bench-") as tmp:
        bench = Bench(runs, Path(tmp))
        print(f"smbalance benchmarks: sizes {sizes}, {runs} run(s) each", file=sys.stderr)
        bench.floors()
        bench.startup()
        for size in log_sizes:
            bench.log(size)
        for size in sizes:
            bench.sqlite_size(size)
            if not args.skip_pg:
                bench.postgres_size(size)
        table = rows(log_sizes if len(log_sizes) > 1 else sizes, bench.figures, not args.skip_pg)
        # rows() names the log jobs by the log sizes; the size loop by the store sizes.
        table = [r for r in table if r.job in bench.figures]
        print(render(table, bench.figures, bench.notes))
    print(
        f"\n{runs} run(s) per job, medians; {os.cpu_count()} CPUs; Python "
        f"{sys.version.split()[0]}; total {time.perf_counter() - began:.0f} s",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
