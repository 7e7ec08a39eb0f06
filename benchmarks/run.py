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
# `log`, `start`, `stop` and `status` run at noon that Saturday (`log` refuses an end in
# the future), so a timer started or stopped "now" meets no generated entry.
TRACK_NOW = "2026-11-28T12:00:00Z"
TIMER_START = 1795868400  # 2026-11-28 11:00 UTC: the running timer `stop` saves
TRACKING = ("start", "stop", "status")
WATSON_SIZES = (1000, 10000)
# Watson's equivalent of each tracking command (its `add` is our `log` with times).
WATSON = {"log": "add", "start": "start", "stop": "stop", "status": "status"}


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


@dataclass
class Job:
    key: str
    argv: list[str]
    prepare: Callable[[], None] | None = None
    stdout_path: Path | None = None
    env: dict[str, str] | None = None  # added to the runner's environment


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
    return median_figure(figures)


def median_figure(figures: list[Figure]) -> Figure:
    return Figure(
        statistics.median(f.seconds for f in figures),
        statistics.median(f.rss_mb for f in figures),
    )


def copier(source: Path, target: Path, *, timer: bool = False) -> Callable[[], None]:
    """Copy a store afresh before each run, so writes never accumulate between runs
    (`timer`: with person01's timer running since TIMER_START, for `stop` and `status`)."""

    def prepare() -> None:
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, target)
        if timer:
            import sqlite3

            db = sqlite3.connect(target)
            with db:
                db.execute(
                    "INSERT INTO timer (person_id, category, start_utc, note, tags, created_utc)"
                    " SELECT id, 'sales', ?, '', '', ? FROM person WHERE name = 'person01'",
                    (TIMER_START, TIMER_START),
                )
            db.close()
        # Flush the copy now, untimed: otherwise the command's first fsync (SQLite's
        # checkpoint on close) pays for writing back a freshly copied 185 MB file, and
        # `log` @1M looks 0.1-1 s slower than `log` @1k for a reason no user meets.
        descriptor = os.open(target, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    return prepare


def watson_frames(path: Path, count: int) -> Path:
    """Watson's frames file with `count` one-hour frames, the last ending before the
    Saturday the jobs work on (the same history length as our store of that size)."""
    import json

    if not path.exists():
        end = TIMER_START - 86_400
        frames = [
            [end - (i + 1) * 3600, end - i * 3600 - 600, "sales" if i % 3 else "marketing",
             f"{i:032x}", ["q4"] if i % 7 == 0 else [], end]
            for i in range(count)
        ][::-1]  # fmt: skip
        path.write_text(json.dumps(frames, indent=1))
    return path


def watson_copier(frames: Path, home: Path, *, running: bool) -> Callable[[], None]:
    """A fresh Watson directory before each run: the frames, and a running frame."""
    import json

    def prepare() -> None:
        home.mkdir(exist_ok=True)
        shutil.copyfile(frames, home / "frames")
        state = home / "state"
        state.unlink(missing_ok=True)
        if running:
            state.write_text(json.dumps({"project": "sales", "start": TIMER_START, "tags": []}))

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
    # An installed package runs from cached bytecode; with PYTHONDONTWRITEBYTECODE set
    # (as in some CI and container images) an editable checkout would recompile every
    # smbalance module on every run (~25 ms) while the floors' libraries load cached .pyc.
    for name in (
        "SMBALANCE_DB",
        "SMBALANCE_DEBUG",
        "PYTHONPROFILEIMPORTTIME",
        "PYTHONDONTWRITEBYTECODE",
    ):
        env.pop(name, None)
    return env


def compile_package() -> None:
    """Write smbalance's bytecode once, before anything is timed."""
    import compileall

    import smbalance

    compileall.compile_dir(Path(smbalance.__file__).parent, quiet=1)


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
        self.watson_sizes = WATSON_SIZES

    def together(self, jobs: list[Job]) -> None:
        """Measure `jobs` round-robin: run 1 of each, then run 2 of each, …

        Jobs whose ratio is a target are measured together, so a burst of load on a
        shared machine lands on a job and its floor alike instead of on one of them.
        """
        figures: dict[str, list[Figure]] = {job.key: [] for job in jobs}
        live = list(jobs)
        for _ in range(self.runs):
            for job in list(live):
                try:
                    if job.prepare is not None:
                        job.prepare()
                    env = {**self.env, **job.env} if job.env else self.env
                    figures[job.key].append(run_once(job.argv, env, job.stdout_path))
                except CommandMissing:
                    self.notes[job.key] = "n/a (command missing)"
                    live.remove(job)
                except JobFailed as exc:
                    self.notes[job.key] = "failed"
                    print(f"! {job.key}: {exc}", file=sys.stderr)
                    live.remove(job)
        for job in jobs:
            figure = median_figure(figures[job.key]) if job in live else None
            self.figures[job.key] = figure
            if self.verbose:
                shown = self.notes.get(job.key) or f"{figure.seconds:.3f} s, {figure.rss_mb:.0f} MB"  # type: ignore[union-attr]
                print(f"  {job.key:<36} {shown}", file=sys.stderr, flush=True)

    def startup_and_log(self, log_sizes: list[int], sizes: list[int], pg: dict[int, str]) -> None:
        """The floors, --version/--help, `log` at every size and `report --week`: all
        judged against the import floors, so all measured in one interleaved group."""
        jobs = [
            Job("floor: python -c pass", [PYTHON, "-c", "pass"]),
            Job("floor: import typer", [PYTHON, "-c", "import typer"]),
            Job("floor: import stack", [PYTHON, "-c", "import typer, rich, sqlmodel, pendulum"]),
            Job("--version", [*self.smb, "--version"]),
            Job("--help", [*self.smb, "--help"]),
        ]
        for size in log_sizes:
            target = self.work / f"log-{size}.db"
            argv = [*self.smb, "--db", str(target), *LOG_ARGS, "--who", "person01", "-q"]
            prepare = copier(generate.sqlite_store(size), target)
            jobs.append(Job(f"log @{size:,}", argv, prepare, env={"SMBALANCE_NOW": TRACK_NOW}))
        jobs += self.tracking_jobs(log_sizes)
        jobs += self.watson_jobs(log_sizes)
        for size in sizes:
            db = ["--db", str(self.read_store(size))]
            jobs.append(Job(f"report --week @{size:,}", [*self.smb, *db, "report", "--week"]))
            if size in pg:
                jobs.append(
                    Job(
                        f"pg report --week @{size:,}",
                        [*self.smb, "--db", pg[size], "report", "--week"],
                    )
                )
        self.together(jobs)

    def tracking_jobs(self, sizes: list[int]) -> list[Job]:
        """`start`, `stop` and `status` of person01 at each size (`log` is above)."""
        env = {"SMBALANCE_NOW": TRACK_NOW}
        jobs = []
        for size in sizes:
            source = generate.sqlite_store(size)
            who = ["--who", "person01"]
            for command in TRACKING:
                target = self.work / f"{command}-{size}.db"
                args = ["start", "marketing", *who] if command == "start" else [command]
                if command == "stop":
                    args += who
                prepare = copier(source, target, timer=command != "start")
                argv = [*self.smb, "--db", str(target), *args]
                jobs.append(Job(f"{command} @{size:,}", argv, prepare, env=env))
        return jobs

    def watson_jobs(self, ours: list[int]) -> list[Job]:
        """Watson's add/start/stop/status on the same number of frames, side by side."""
        watson = Path(PYTHON).parent / "watson"
        if not watson.exists():
            print(
                "! Watson is not installed in this venv (pip install td-watson): "
                "its rows are left out",
                file=sys.stderr,
            )
            for size in self.watson_sizes:
                for command in WATSON.values():
                    self.notes[f"watson {command} @{size:,}"] = "n/a (td-watson not installed)"
                    self.figures[f"watson {command} @{size:,}"] = None
            return []
        jobs = []
        for size in self.watson_sizes:
            frames = watson_frames(self.work / f"watson-frames-{size}.json", size)
            for command in WATSON.values():
                home = self.work / f"watson-{command}-{size}"
                args = {
                    "add": ["add", "-f", "2026-11-28 10:00", "-t", "2026-11-28 11:00", "sales"],
                    "start": ["start", "marketing"],
                    "stop": ["stop"],
                    "status": ["status"],
                }[command]
                prepare = watson_copier(frames, home, running=command in ("stop", "status"))
                env = {"WATSON_DIR": str(home), "TZ": "UTC"}
                jobs.append(
                    Job(f"watson {command} @{size:,}", [str(watson), *args], prepare, env=env)
                )
            if size not in ours:
                # Our own commands at this size too, for the side-by-side rows.
                target = self.work / f"log-{size}.db"
                argv = [*self.smb, "--db", str(target), *LOG_ARGS, "--who", "person01", "-q"]
                prepare = copier(generate.sqlite_store(size), target)
                jobs.append(Job(f"log @{size:,}", argv, prepare, env={"SMBALANCE_NOW": TRACK_NOW}))
                jobs += self.tracking_jobs([size])
        return jobs

    def read_store(self, size: int) -> Path:
        store = self.work / f"read-{size}.db"
        if not store.exists():
            copier(generate.sqlite_store(size), store)()
        return store

    def sqlite_size(self, size: int, pg_url: str | None) -> None:
        """report --all, export and import at one size, each interleaved with its floor
        (and its PostgreSQL twin)."""
        store = self.read_store(size)
        db = ["--db", str(store)]
        n = f"@{size:,}"
        floor_csv = self.work / f"floor-{size}.csv"
        report = [
            Job(f"floor: sqlite3 GROUP BY {n}", [PYTHON, str(FLOORS), "groupby", str(store)]),
            Job(f"report --all {n}", [*self.smb, *db, "report", "--all"]),
        ]
        export_csv = self.work / f"export-{size}.csv"
        export = [
            Job(
                f"floor: csv export {n}",
                [PYTHON, str(FLOORS), "csv-export", str(store), str(floor_csv)],
            ),
            Job(f"export csv {n}", [*self.smb, *db, "export", "--format", "csv"], None, export_csv),
        ]
        if pg_url is not None:
            report.append(
                Job(f"pg report --all {n}", [*self.smb, "--db", pg_url, "report", "--all"])
            )
            export.append(
                Job(
                    f"pg export csv {n}",
                    [*self.smb, "--db", pg_url, "export", "--format", "csv"],
                    None,
                    self.work / f"pg-export-{size}.csv",
                )
            )
        self.together(report)
        self.together(export)
        # Import what smbalance exported; before `export` exists, the floor's equal CSV.
        to_import = export_csv if self.figures.get(f"export csv {n}") else floor_csv
        empty = self.work / "import.db"
        prepare = copier(generate.empty_store(), empty)
        imports = [
            Job(
                f"floor: executemany import {n}",
                [PYTHON, str(FLOORS), "csv-import", str(to_import), str(empty)],
                prepare,
            ),
            Job(
                f"import csv {n}",
                [*self.smb, "--db", str(empty), "import", str(to_import), "--format", "csv"],
                prepare,
            ),
        ]
        if pg_url is not None:
            target = pg_empty_store(pg_url)
            imports.append(
                Job(
                    f"pg import csv {n}",
                    [*self.smb, "--db", target, "import", str(to_import), "--format", "csv"],
                    lambda: pg_truncate(target),
                )
            )
        self.together(imports)


def pg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def pg_admin() -> str:
    return pg_dsn(pg_database_url("postgres"))


def pg_database_url(name: str) -> str:
    """`SMBALANCE_BENCH_PG_URL` with its database (if any) replaced by `name`."""
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(PG_URL)._replace(path=f"/{name}"))


def pg_store(size: int) -> str:
    """A fresh PostgreSQL database holding the generated store (dropped by `pg_drop_all`)."""
    import psycopg

    name = f"smbalance_bench_{size}_{generate.cache_tag().replace('-', '_')}"
    with psycopg.connect(pg_admin(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    CREATED_PG.append(name)
    url = pg_database_url(name)
    generate.load_postgres(url, generate.sqlite_store(size))
    return url


def pg_empty_store(url: str) -> str:
    """An empty PostgreSQL store with the schema, for the import job."""
    import psycopg

    from smbalance.store import open_store

    name = url.rsplit("/", 1)[1] + "_import"
    with psycopg.connect(pg_admin(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    CREATED_PG.append(name)
    target = pg_database_url(name)
    open_store(target).close()
    return target


def pg_truncate(url: str) -> None:
    import psycopg

    with psycopg.connect(pg_dsn(url), autocommit=True) as conn:
        conn.execute("TRUNCATE entry, timer, change_row, change, person RESTART IDENTITY CASCADE")


CREATED_PG: list[str] = []


def pg_drop_all() -> None:
    """Drop every database this run created."""
    import psycopg

    with psycopg.connect(pg_admin(), autocommit=True) as conn:
        for name in CREATED_PG:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    CREATED_PG.clear()


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


def rows(
    sizes: list[int],
    figures: dict[str, Figure | None],
    pg: bool,
    watson_sizes: tuple[int, ...] = WATSON_SIZES,
) -> list[Row]:
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
    table += tracking_rows(sizes, figures, watson_sizes)
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
            table.append(
                Row(f"pg import csv {n}", f"import csv {n}", "(no target)", lambda f, _: None)
            )
    return table


def tracking_rows(
    sizes: list[int], figures: dict[str, Figure | None], watson_sizes: tuple[int, ...]
) -> list[Row]:
    """The commands typed all day: ≤ 2× `import typer`, flat from 1k to the largest
    store, and faster than Watson's equivalent at Watson's sizes (#16)."""
    typer_floor, table = "floor: import typer", []
    smallest, largest = min(sizes), max(sizes)
    for command in ("log", *TRACKING):
        base = figures.get(f"{command} @{smallest:,}")
        for size in sizes:
            flat = size == largest and largest != smallest
            table.append(
                Row(
                    f"{command} @{size:,}",
                    typer_floor,
                    "≤ 2× typer" + (f" and ≤ 1.1× @{smallest:,}" if flat else ""),
                    lambda f, fl, flat=flat, base=base: (
                        fl is not None
                        and f.seconds <= 2 * fl.seconds
                        and (not flat or (base is not None and f.seconds <= 1.1 * base.seconds))
                    ),
                )
            )
    for size in watson_sizes:
        for ours, theirs in WATSON.items():
            watson = f"watson {theirs} @{size:,}"
            table.append(Row(watson, None, "", lambda f, _: None))
            table.append(
                Row(
                    f"{ours} @{size:,}",
                    watson,
                    "faster than Watson",
                    lambda f, fl: fl is not None and f.seconds < fl.seconds,
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
    parser.add_argument(
        "--keep-pg", action="store_true", help="keep the PostgreSQL databases it creates"
    )
    parser.add_argument("--data-dir", type=Path, help="where generated stores are cached")
    parser.add_argument(
        "--startup-only",
        action="store_true",
        help="only the start-up group: floors, --help, log/start/stop/status, Watson",
    )
    args = parser.parse_args(argv)
    if args.data_dir:
        generate.DATA_DIR = args.data_dir
    sizes = [1000] if args.quick else sorted({int(s) for s in args.sizes.split(",")})
    runs = 1 if args.quick else args.runs
    log_sizes = sorted({1000, *sizes})
    began = time.perf_counter()
    for size in log_sizes:
        generate.sqlite_store(size)
    compile_package()
    with tempfile.TemporaryDirectory(prefix="smbalance-bench-") as tmp:
        bench = Bench(runs, Path(tmp))
        if args.quick:  # the smoke test: Watson at 1,000 only (no 10k store to build)
            bench.watson_sizes = (1000,)
        print(f"smbalance benchmarks: sizes {sizes}, {runs} run(s) each", file=sys.stderr)
        try:
            pg = {} if args.skip_pg else {size: pg_store(size) for size in sizes}
            bench.startup_and_log(log_sizes, sizes, pg)
            for size in [] if args.startup_only else sizes:
                bench.sqlite_size(size, pg.get(size))
        finally:
            if not args.skip_pg and not args.keep_pg:
                pg_drop_all()
        table = rows(
            log_sizes if len(log_sizes) > 1 else sizes,
            bench.figures,
            not args.skip_pg,
            bench.watson_sizes,
        )
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
