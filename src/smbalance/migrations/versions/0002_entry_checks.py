"""Let the database itself refuse impossible entries and timers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

Until now only smbalance's own code kept `end_utc > start_utc`, `seconds = end_utc -
start_utc` and the category names true; a script writing to a shared PostgreSQL store,
or a hand edit of a SQLite file, could break them and every report after. CHECK
constraints make the database refuse such rows, whoever writes them.

Written out in full (not generated from the models) so it does the same thing forever.
On SQLite, Alembic's batch mode rebuilds `entry` and `timer` (no table references them,
so the rebuild is safe with foreign keys on); the indexes are rebuilt with them.

A store that already holds rows breaking a rule is not migrated: the migration stops
with a message naming the rows (see `smbalance db check`), and, running in the same
transaction as everything else, leaves the store exactly as it was.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ENTRY_CHECKS = {
    "ck_entry_span": "end_utc > start_utc",
    "ck_entry_seconds": "seconds = end_utc - start_utc",
    "ck_entry_category": "category IN ('sales', 'marketing')",
}
TIMER_CHECKS = {
    "ck_timer_category": "category IN ('sales', 'marketing')",
}


def upgrade() -> None:
    _refuse_rows_that_break(ENTRY_CHECKS, "entry", "id")
    _refuse_rows_that_break(TIMER_CHECKS, "timer", "person_id")
    with op.batch_alter_table("entry") as batch:
        for name, condition in ENTRY_CHECKS.items():
            batch.create_check_constraint(name, sa.text(condition))
    with op.batch_alter_table("timer") as batch:
        for name, condition in TIMER_CHECKS.items():
            batch.create_check_constraint(name, sa.text(condition))


def downgrade() -> None:
    with op.batch_alter_table("timer") as batch:
        for name in TIMER_CHECKS:
            batch.drop_constraint(name, type_="check")
    with op.batch_alter_table("entry") as batch:
        for name in ENTRY_CHECKS:
            batch.drop_constraint(name, type_="check")


def _refuse_rows_that_break(checks: dict[str, str], table: str, key: str) -> None:
    from smbalance.errors import StoreError

    conn = op.get_bind()
    for name, condition in checks.items():
        rows = conn.execute(
            sa.text(f"SELECT {key} FROM {table} WHERE NOT ({condition}) ORDER BY {key} LIMIT 5")
        ).scalars()
        bad = ", ".join(str(row) for row in rows)
        if bad:
            raise StoreError(
                f"cannot migrate: {table} rows {bad} break the rule {condition!r} "
                f"(new constraint {name}); fix or remove them (see `smbalance db check`) "
                "with the previous smbalance, then open the store again"
            )
