"""Generate realistic, deterministic smbalance stores for the benchmarks.

20 people, 5 years of work days (Monday to Friday, Europe/London) ending Friday
2026-11-27, N entries spread over them.  Each person has a role, a commission and a
personal sales/marketing mix; entries never overlap per person; some carry a note or
tags.  The store is created by `smbalance.store.open_store`, so its schema and
migrations are the real ones; the rows then go in with plain `sqlite3` `executemany`
inside one transaction (indexes dropped during the load and rebuilt after, which is
what makes a million rows take seconds).

Entries are 1-4 h when they fit.  A million entries over 5 years for 20 people is
about 38 a person a work day, which cannot be 1-4 h each: when a day holds more than
its working window allows, its entries are scaled down to fit (about 15 min each at
N = 1,000,000).  Tests and the runner only need the shape (row counts, index
selectivity, realistic text), not realistic lengths.

    python benchmarks/generate.py 10000 100000 1000000      # cached under benchmarks/data/
    python benchmarks/generate.py 1000 --pg postgresql+psycopg://postgres@127.0.0.1/bench_1k
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

DATA_DIR = Path(__file__).resolve().parent / "data"
GENERATOR_VERSION = 1  # bump when the generated data changes, so caches are rebuilt
SEED = 20261127
TZ = ZoneInfo("Europe/London")
LAST_DAY = date(2026, 11, 27)  # a Friday: the tests' and the runner's "now" week
YEARS = 5
PEOPLE = 20
DAY_OPENS_HOUR = 8  # work happens 08:00-19:00 local time
WINDOW_SECONDS = 11 * 3600
NOTES = (
    "call with prospect",
    "newsletter draft",
    "pricing follow-up",
    "trade show prep",
    "blog post: spring range",
    "renewal meeting",
    "social media calendar",
    "demo for a new lead",
    "customer survey analysis",
    "quote for repeat client",
)
TAGS = ("q1", "q2", "q3", "q4", "phone", "email", "event", "web", "print", "key-account")


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    commission: int
    target: int | None
    marketing_share: float  # the probability that one of their entries is marketing


def team(rng: random.Random) -> list[Person]:
    """Three sales specialists, three marketers, the rest in both seats (some on commission)."""
    people = []
    for index in range(PEOPLE):
        name = f"person{index + 1:02d}"
        if index < 3:
            people.append(Person(name, "sales", rng.choice((20, 40, 60)), None, 0.05))
        elif index < 6:
            people.append(Person(name, "marketing", 0, None, 0.92))
        else:
            commission = rng.choice((0, 0, 10, 30, 50, 70))
            # Commission-driven people drift towards selling, as the spec warns.
            share = rng.uniform(0.05, 0.2) if commission >= 50 else rng.uniform(0.2, 0.55)
            target = rng.choice((None, None, 30))
            people.append(Person(name, "both", commission, target, share))
    return people


def work_days() -> list[date]:
    first = LAST_DAY - timedelta(days=365 * YEARS + 1)
    days = (first + timedelta(days=n) for n in range((LAST_DAY - first).days + 1))
    return [day for day in days if day.weekday() < 5]


def day_opening_epochs(days: list[date]) -> list[int]:
    """08:00 local time of each day, as UTC epoch seconds (DST handled by zoneinfo)."""
    return [
        int(datetime(d.year, d.month, d.day, DAY_OPENS_HOUR, tzinfo=TZ).timestamp()) for d in days
    ]


def entries_per_slot(rng: random.Random, count: int, slots: int) -> list[int]:
    """Spread `count` entries over `slots` person-days as evenly as chance allows."""
    base, extra = divmod(count, slots)
    per_slot = [base] * slots
    for slot in rng.sample(range(slots), extra):
        per_slot[slot] += 1
    return per_slot


def day_entries(rng: random.Random, opens: int, k: int) -> list[tuple[int, int]]:
    """k non-overlapping (start, end) intervals in one working window."""
    lengths = [rng.randint(12, 48) * 300 for _ in range(k)]  # 1-4 h in 5-minute steps
    total = sum(lengths)
    if total > WINDOW_SECONDS * 0.9:
        scale = WINDOW_SECONDS * 0.9 / total
        lengths = [max(60, int(length * scale)) for length in lengths]
        total = sum(lengths)
    slack = WINDOW_SECONDS - total
    cuts = sorted(rng.randrange(slack + 1) for _ in range(k))
    spans, cursor, previous_cut = [], opens, 0
    for length, cut in zip(lengths, cuts, strict=True):
        cursor += cut - previous_cut
        previous_cut = cut
        spans.append((cursor, cursor + length))
        cursor += length
    return spans


def generate_rows(count: int, seed: int = SEED):  # type: ignore[no-untyped-def]
    """(people rows, an iterator of entry rows), deterministic for (count, seed)."""
    rng = random.Random(seed)
    people = team(rng)
    days = work_days()
    openings = day_opening_epochs(days)
    person_rows = [
        (pid, p.name, p.role, p.commission, p.target, openings[0], openings[0])
        for pid, p in enumerate(people, start=1)
    ]

    def entry_rows():  # type: ignore[no-untyped-def]
        per_slot = entries_per_slot(rng, count, len(days) * len(people))
        entry_id = 0
        for day_index, opens in enumerate(openings):
            for person_index, person in enumerate(people):
                k = per_slot[day_index * len(people) + person_index]
                if not k:
                    continue
                for start, end in day_entries(rng, opens, k):
                    entry_id += 1
                    draw = rng.random()
                    category = "marketing" if draw < person.marketing_share else "sales"
                    note = rng.choice(NOTES) if rng.random() < 0.2 else ""
                    tags = " ".join(sorted(rng.sample(TAGS, rng.randint(1, 2))))
                    tags = tags if rng.random() < 0.15 else ""
                    uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                    yield (
                        entry_id, uid, person_index + 1, category, start, end, end - start,
                        note, tags, end, end, None,
                    )  # fmt: skip

    return person_rows, entry_rows()


ENTRY_INSERT = (
    "INSERT INTO entry (id, uid, person_id, category, start_utc, end_utc, seconds, note, tags,"
    " created_utc, updated_utc, change_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)
PERSON_INSERT = (
    "INSERT INTO person (id, name, role, commission, target, created_utc, updated_utc)"
    " VALUES (?,?,?,?,?,?,?)"
)


def create_empty_store(path: Path) -> None:
    """A blank store made by smbalance itself: the real schema, at the real revision."""
    from smbalance.store import open_store

    open_store(path).close()


def write_sqlite(path: Path, count: int, seed: int = SEED) -> None:
    create_empty_store(path)
    person_rows, entry_rows = generate_rows(count, seed)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN")
        indexes = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entry'"
            " AND sql IS NOT NULL"
        ).fetchall()
        for name, _sql in indexes:
            db.execute(f'DROP INDEX "{name}"')
        db.executemany(PERSON_INSERT, person_rows)
        db.executemany(ENTRY_INSERT, entry_rows)
        for _name, sql in indexes:
            db.execute(sql)
        db.execute("COMMIT")
        db.execute("ANALYZE")
    finally:
        db.close()


def cache_tag() -> str:
    """Generator version and schema revision: a new migration means fresh stores."""
    from smbalance.store.opening import SCHEMA_HEAD

    return f"v{GENERATOR_VERSION}-r{SCHEMA_HEAD}"


def sqlite_store(count: int, seed: int = SEED, data_dir: Path | None = None) -> Path:
    """The cached store for (count, seed), generated on first use."""
    data_dir = data_dir or DATA_DIR
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"store-{count}-s{seed}-{cache_tag()}.db"
    if not path.exists():
        partial = path.with_suffix(f".partial-{os.getpid()}")
        for stale in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            stale.unlink(missing_ok=True)
        write_sqlite(partial, count, seed)
        partial.rename(path)
    return path


def empty_store(data_dir: Path | None = None) -> Path:
    """A cached blank store (copy it before writing to it)."""
    data_dir = data_dir or DATA_DIR
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"empty-{cache_tag()}.db"
    if not path.exists():
        partial = path.with_suffix(f".partial-{os.getpid()}")
        create_empty_store(partial)
        partial.rename(path)
    return path


def load_postgres(url: str, source: Path) -> None:
    """Fill a fresh PostgreSQL store (schema by `open_store`) from a generated SQLite one."""
    import psycopg

    from smbalance.store import open_store

    open_store(url).close()
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    lite = sqlite3.connect(source)
    with psycopg.connect(dsn) as pg, pg.cursor() as cur:
        cur.execute("TRUNCATE entry, person RESTART IDENTITY CASCADE")
        for table, columns in (
            ("person", "id, name, role, commission, target, created_utc, updated_utc"),
            (
                "entry",
                "id, uid, person_id, category, start_utc, end_utc, seconds, note, tags,"
                " created_utc, updated_utc, change_id",
            ),
        ):
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in lite.execute(f"SELECT {columns} FROM {table} ORDER BY id"):
                    copy.write_row(row)
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
    lite.close()
    with psycopg.connect(dsn, autocommit=True) as pg:
        pg.execute("ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", type=int, help="entries per store, e.g. 10000")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--pg", metavar="URL", help="also load the (one) size into this PG db")
    args = parser.parse_args(argv)
    for count in args.sizes:
        began = time.perf_counter()
        path = sqlite_store(count, args.seed)
        print(f"{count:>9} entries: {path} ({time.perf_counter() - began:.1f} s)")
        if args.pg:
            load_postgres(args.pg, path)
            print(f"{'':>9}          loaded into {args.pg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
