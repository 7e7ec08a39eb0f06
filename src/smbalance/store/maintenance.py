"""Looking after a store: integrity checks and consistent backups."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smbalance.domain import NAME_RE
from smbalance.errors import SmbalanceError, StoreError
from smbalance.store.base import StoreBase, longest_entry, overlapping
from smbalance.store.sql import copy_sqlite

if TYPE_CHECKING:
    from smbalance.store.sql import Conn

# What `db backup` copies out of a PostgreSQL store, parents first (`team` names
# PostgreSQL roles: a SQLite copy has one user).
SNAPSHOT_TABLES = ("person", "change", "change_row", "entry", "timer")

# Our own invariants, as queries that return one row per violation.
INVARIANTS = {
    # Against the furthest end of all earlier entries, not just the previous one: after
    # 09-12 and 10-11, an entry at 11:30 overlaps the first though not the second.
    "overlap": """
        SELECT id, (
            SELECT earlier.id FROM entry AS earlier
            WHERE earlier.person_id = ordered.person_id
              AND earlier.end_utc > ordered.start_utc
              AND (earlier.start_utc < ordered.start_utc
                   OR (earlier.start_utc = ordered.start_utc AND earlier.id < ordered.id))
            ORDER BY earlier.start_utc, earlier.id LIMIT 1)
        FROM (
            SELECT id, person_id, start_utc,
                   MAX(end_utc) OVER (
                       PARTITION BY person_id ORDER BY start_utc, id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
            FROM entry) AS ordered
        WHERE reach > start_utc""",
    "end-before-start": "SELECT id, NULL FROM entry WHERE end_utc <= start_utc",
    "bad-seconds": "SELECT id, NULL FROM entry WHERE seconds <> end_utc - start_utc",
    "bad-category": "SELECT id, NULL FROM entry WHERE category NOT IN ('sales', 'marketing')",
    "bad-role": "SELECT name, NULL FROM person WHERE role NOT IN ('sales', 'marketing', 'both')",
    "bad-percent": """
        SELECT name, NULL FROM person
        WHERE commission NOT BETWEEN 0 AND 100 OR target NOT BETWEEN 0 AND 100""",
    # The primary key already allows one timer per person; the query keeps the rule
    # visible (and catches a store whose table was rebuilt without it).
    "two-timers": "SELECT person_id, COUNT(*) FROM timer GROUP BY person_id HAVING COUNT(*) > 1",
    # A running timer counts as an entry from its start to now (the spec's words), so an
    # entry may not reach into that span.  One logged to start at or after now is not
    # (yet) a problem; `stop` will refuse to save the timer over it.
    "timer-overlap": """
        SELECT person.name, MAX(entry.id) FROM timer
        JOIN person ON person.id = timer.person_id
        JOIN entry ON entry.person_id = timer.person_id AND entry.end_utc > timer.start_utc
            AND entry.start_utc < :now
        GROUP BY person.name""",
}

MESSAGES = {
    "overlap": "entry {0} overlaps entry {1} of the same person",
    "end-before-start": "entry {0} ends before it starts",
    "bad-seconds": "entry {0} has a duration that disagrees with its start and end",
    "bad-category": "entry {0} has an unknown category",
    "bad-role": "person {0} has an unknown role",
    "bad-percent": "person {0} has a commission or target outside 0-100",
    "two-timers": "person id {0} has {1} running timers (at most one is allowed)",
    "timer-overlap": "{0}'s running timer overlaps entry {1}",
}


# What a hand edit can put where SQLite's type affinity lets it (PostgreSQL's column
# types refuse it): text or a blob in a number column, a blob in a text column (a number
# written to a text column is stored as text).
TYPE_DAMAGE = {
    "entry": (
        "id",
        "start_utc, end_utc or seconds is not a whole number",
        "typeof(start_utc) <> 'integer' OR typeof(end_utc) <> 'integer' "
        "OR typeof(seconds) <> 'integer'",
        "note or tags holds binary data (a blob)",
        "typeof(note) = 'blob' OR typeof(tags) = 'blob' OR typeof(category) = 'blob' "
        "OR typeof(uid) = 'blob'",
    ),
    "timer": (
        "person_id",
        "start_utc is not a whole number",
        "typeof(start_utc) <> 'integer'",
        "note or tags holds binary data (a blob)",
        "typeof(note) = 'blob' OR typeof(tags) = 'blob'",
    ),
    "person": (
        "id",
        "commission or target is not a whole number",
        "typeof(commission) <> 'integer' OR typeof(target) NOT IN ('integer', 'null')",
        "name or role holds binary data (a blob)",
        "typeof(name) = 'blob' OR typeof(role) = 'blob'",
    ),
}
WHO = {"entry": "entry {0}", "timer": "the timer of person id {0}", "person": "person id {0}"}

# Every index the migrations create (tests/test_store_safety.py checks the list against a
# new store): without them queries still work, only slowly, so `db check` says so.
INDEXES = (
    "ix_change_actor",
    "ix_change_row_change",
    "ix_entry_change",
    "ix_entry_person_start",
    "ix_entry_seconds",
    "ix_entry_start",
    "ux_person_login",
)


def _type_damage(conn: Conn) -> list[str]:
    """One line per row whose values have the wrong type (SQLite only)."""
    problems = []
    for table, (key, *checks) in TYPE_DAMAGE.items():
        for what, condition in zip(checks[::2], checks[1::2], strict=True):
            for (value,) in conn.rows(f"SELECT {key} FROM {table} WHERE {condition} ORDER BY 1"):
                problems.append(f"{WHO[table].format(value)}: {what} (type damage)")
    return problems


def index_names(conn: Conn) -> set[str]:
    if conn.dialect == "sqlite":
        rows = conn.rows("SELECT name FROM sqlite_master WHERE type = 'index'")
    else:
        rows = conn.rows("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
    return {name for (name,) in rows}


def _missing_indexes(conn: Conn) -> list[str]:
    return [
        f"index {name} is missing (queries still work, slowly; docs/reliability.md says "
        "how to recreate it)"
        for name in INDEXES
        if name not in index_names(conn)
    ]


def _bad_names(conn: Conn) -> list[str]:
    """Names that break the rule `people add` enforces (a hand edit, another program):
    the regular expression is Python's, so it runs here rather than in SQL."""
    return [
        f"person {name!r} breaks the name rule (1-32 lower-case letters, digits, _ or -)"
        for (name,) in conn.rows("SELECT name FROM person ORDER BY id")
        if not isinstance(name, str) or not NAME_RE.fullmatch(name)
    ]


class MaintenanceMixin(StoreBase):
    def check(self) -> list[str]:
        """Every problem found: database integrity, foreign keys and our invariants."""
        problems: list[str] = []
        with self._read() as conn:
            if self.dialect == "sqlite":
                for (result,) in conn.rows("PRAGMA integrity_check"):
                    if result != "ok":
                        problems.append(f"integrity: {result}")
                for row in conn.rows("PRAGMA foreign_key_check"):
                    problems.append(
                        f"foreign key: row {row[1]} of {row[0]} points at a missing {row[2]}"
                    )
                problems.extend(_type_damage(conn))
            now = {"now": self.clock()}
            for code, query in INVARIANTS.items():
                for row in conn.rows(query, now if ":now" in query else {}):
                    problems.append(MESSAGES[code].format(*row))
            problems.extend(_bad_names(conn))
            problems.extend(_missing_indexes(conn))
        return problems

    def close_discarding_if_new(self) -> bool:
        """Close the store; a SQLite file that this open created and that holds nothing
        yet (no person, no journal row: the command that created it failed) is removed,
        so a failed command leaves no store behind.  True when it was removed."""
        path = self.path if getattr(self, "created", False) else None
        try:
            if path is not None:
                with self._read() as conn:
                    used = conn.first("SELECT 1 FROM person UNION ALL SELECT 1 FROM change")
                if used is not None:
                    path = None
        except SmbalanceError:
            path = None
        finally:
            self.close()
        if path is None:
            return False
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        return True

    def require_sound(self, start: int | None = None, end: int | None = None) -> None:
        """Refuse to read a store that a hand edit damaged where [start, end) is read.

        Listings, reports and exports would otherwise show garbage, count an entry that
        ends before it starts as negative time, or fail deep inside.  Cheap: index probes
        for instants and durations that are not numbers or not positive, then one pass
        over the entries of the period (which the command reads anyway).
        """
        with self._read() as conn:
            found = _damaged(conn, start, end)
        if found is not None:
            entry_id, what = found
            raise StoreError(
                f"{self.where} is damaged: entry {entry_id} {what}; run `smbalance db "
                "check` to list every problem, then fix or remove what it names"
            )

    def backup(self, destination: Path) -> Path:
        """A consistent copy of the store as a new SQLite file, taken with SQLite's online
        backup API; a PostgreSQL store is first copied into a SQLite store (`_snapshot`),
        so `db backup FILE` works the same on both and `--db FILE` opens the copy."""
        if self.path is not None:
            return self._backup(self.path, destination)
        try:
            with self._snapshot(destination) as snapshot:
                return self._backup(snapshot, destination)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot write backup {destination}: {exc}") from None

    @contextmanager
    def _snapshot(self, destination: Path) -> Iterator[Path]:
        """Every row of one consistent (REPEATABLE READ) snapshot of a PostgreSQL store,
        in a new SQLite store in a private temporary directory, removed afterwards."""
        # Only here (a PostgreSQL backup): `log`/`start`/`stop`/`status` load this module.
        import shutil
        import tempfile

        from smbalance.store import open_store

        parent = destination.expanduser().parent
        try:
            work = Path(tempfile.mkdtemp(prefix=".smbalance-backup-", dir=parent))
        except OSError as exc:
            raise StoreError(f"cannot write backup {destination}: {exc}") from None
        copy = work / "snapshot.db"
        try:
            open_store(str(copy), clock=self.clock).close()  # the schema, at head
            target = sqlite3.connect(copy, isolation_level=None)
            try:
                target.execute("BEGIN")
                with self._read() as conn:
                    conn.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    for table in SNAPSHOT_TABLES:
                        columns = [row[1] for row in target.execute(f"PRAGMA table_info({table})")]
                        names = ", ".join(columns)
                        marks = ", ".join("?" * len(columns))
                        insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"
                        for batch in conn.stream(
                            f"SELECT {names} FROM {table} ORDER BY 1", {}, 5000
                        ):
                            target.executemany(insert, batch)
                target.execute("COMMIT")
            finally:
                target.close()
            yield copy
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _backup(self, source: Path, destination: Path) -> Path:
        destination = destination.expanduser()
        # The directory resolved, the name itself not: a symlink there is refused below.
        destination = destination.parent.resolve() / destination.name
        if destination.resolve() == source.resolve():
            raise StoreError("the backup must go to another file than the store itself")
        if destination.is_dir():
            raise StoreError(f"{destination} is a directory; give a file name for the backup")
        if os.path.lexists(destination):  # a file, or a symlink (dangling or not)
            raise StoreError(f"{destination} exists; choose a new file name or remove it first")
        try:
            copy_sqlite(source, destination)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot write backup {destination}: {exc}") from None
        return destination


def _damaged(conn: Conn, start: int | None, end: int | None) -> tuple[Any, str] | None:
    """The first damaged entry where [start, end) is read, and what is wrong with it."""
    sqlite = conn.dialect == "sqlite"
    probes = []
    if sqlite:  # text and blobs sort after every number: one index probe each
        probes += [
            (
                "SELECT id FROM entry WHERE start_utc >= '' LIMIT 1",
                "has a start that is not a number",
            ),
            (
                "SELECT id FROM entry WHERE seconds >= '' LIMIT 1",
                "has a duration that is not a number",
            ),
        ]
    probes.append(("SELECT id FROM entry WHERE seconds <= 0 LIMIT 1", "ends before it starts"))
    for query, what in probes:
        row = conn.first(query)
        if row is not None:
            return row[0], what
    params: dict[str, Any] = {}
    period = overlapping(start, end, longest_entry(conn), params)
    damage, why = "entry.end_utc <= entry.start_utc", "'ends before it starts'"
    if sqlite:
        damage += (
            " OR typeof(entry.end_utc) <> 'integer' OR typeof(entry.note) <> 'text'"
            " OR typeof(entry.tags) <> 'text' OR typeof(entry.category) <> 'text'"
        )
        why = (
            "CASE WHEN typeof(entry.end_utc) <> 'integer' THEN 'has an end that is not a number'"
            " WHEN typeof(entry.note) = 'blob' OR typeof(entry.tags) = 'blob'"
            " OR typeof(entry.category) = 'blob' THEN 'holds binary data (a blob)'"
            " ELSE 'ends before it starts' END"
        )
    row = conn.first(f"SELECT id, {why} FROM entry WHERE {period} AND ({damage}) LIMIT 1", params)
    return None if row is None else (row[0], row[1])
