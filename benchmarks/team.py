"""What row-level security costs: the same reads and writes on a plain PostgreSQL store
and on a team store, as its owner and as a member.

    .venv/bin/python benchmarks/team.py [ENTRIES]     # default 20000

Needs a PostgreSQL superuser at SMBALANCE_TEST_PG_URL (default postgres@127.0.0.1). It
creates two databases and three roles with a random suffix and drops them all again.
Prints the median milliseconds of each operation through the store API (in-process,
so interpreter start-up does not drown the difference).
"""

from __future__ import annotations

import os
import sys
import time
import uuid

import psycopg
from sqlalchemy.engine import make_url

ADMIN = os.environ.get("SMBALANCE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1/postgres")


def main(entries: int) -> None:
    from smbalance.store import open_store

    admin_url = make_url(ADMIN)
    host = f"{admin_url.host or '127.0.0.1'}:{admin_url.port or 5432}"

    def admin(sql: str) -> None:
        with psycopg.connect(
            host=admin_url.host or "127.0.0.1",
            port=admin_url.port or 5432,
            user=admin_url.username,
            password=admin_url.password,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    suffix = uuid.uuid4().hex[:6]
    boss, alice = f"boss_{suffix}", f"alice_{suffix}"
    prefix = f"bench_{suffix}"
    dbs = {"plain": f"bench_plain_{suffix}", "team": f"bench_team_{suffix}"}

    def url(role: str, db: str) -> str:
        return f"postgresql+psycopg://{role}@{host}/{dbs[db]}"

    admin(f'CREATE ROLE "{boss}" LOGIN CREATEROLE')
    for db in dbs.values():
        admin(f'CREATE DATABASE "{db}" OWNER "{boss}"')
    try:
        for db in dbs:
            with open_store(url(boss, db)) as store:
                if db == "team":
                    store.team_init(prefix)
                store.add_person("alice", "both")
                store.add_person("bob", "both")
                with store._change("bench") as ctx:  # a quick bulk fill
                    ids = dict(ctx.conn.rows("SELECT name, id FROM person"))
                    rows = [
                        (str(uuid.uuid4()), ids[("alice", "bob")[i % 2]], "sales",
                         1_600_000_000 + i * 3600, 1_600_000_000 + i * 3600 + 1800, 1800,
                         "", "", 1, 1)
                        for i in range(entries)
                    ]  # fmt: skip
                    ctx.conn.insert_tuples(
                        "entry",
                        ("uid", "person_id", "category", "start_utc", "end_utc", "seconds",
                         "note", "tags", "created_utc", "updated_utc"),
                        rows,
                    )  # fmt: skip
                if db == "team":
                    store.team_add("alice", alice, password=uuid.uuid4().hex)

        def median_ms(db: str, role: str, operation, runs: int) -> float:  # type: ignore[no-untyped-def]
            with open_store(url(role, db)) as store:
                operation(store)
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    operation(store)
                    times.append(time.perf_counter() - started)
            return sorted(times)[runs // 2] * 1000

        print(f"{entries} entries; median ms; load average {os.getloadavg()[0]:.1f}")
        cases = (("plain, boss", "plain", boss, "alice"), ("team, owner", "team", boss, "bob"),
                 ("team, member", "team", alice, "alice"))  # fmt: skip
        for label, db, role, _ in cases:
            ms = median_ms(db, role, lambda s: s.splits(None, None), 9)
            print(f"  splits of all time   {label:13} {ms:7.1f}")
        for label, db, role, who in cases:
            ms = median_ms(db, role, lambda s, who=who: s.log_duration(who, "sales", 60), 21)
            print(f"  log 1m               {label:13} {ms:7.1f}")
    finally:
        for db in dbs.values():
            admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        for role in (alice, f"{prefix}_member", f"{prefix}_owner", boss):
            admin(f'DROP ROLE IF EXISTS "{role}"')


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
