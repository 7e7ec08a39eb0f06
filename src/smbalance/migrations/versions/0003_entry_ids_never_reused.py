"""Never give a new entry the id of one that was removed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

An entry's `id` is what people and scripts type (`edit 12`, `rm 12`). On SQLite an
INTEGER PRIMARY KEY hands out max(id) + 1, so after the newest entry is removed or its
`log` undone, the next entry got the same id: a script still holding "12" would edit
a different entry, and SQLite and PostgreSQL (whose sequence never goes back) gave
different ids for the same commands. AUTOINCREMENT makes SQLite remember the highest
id ever used, as PostgreSQL does.

SQLite can only declare AUTOINCREMENT when a table is created, so Alembic's batch mode
rebuilds `entry` (nothing references it; its indexes and CHECKs are rebuilt with it).
PostgreSQL needs nothing. Written out in full, not generated from the models.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "entry", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "entry", recreate="always", table_kwargs={"sqlite_autoincrement": False}
    ):
        pass
