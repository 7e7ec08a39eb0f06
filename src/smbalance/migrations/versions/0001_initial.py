"""The first schema: people, entries, timers and the change journal.

Revision ID: 0001
Revises:
Create Date: 2026-11-27

Written out in full (not generated from the models at run time) so this revision
creates the same tables forever, whatever the models become later.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(32), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("commission", sa.Integer, nullable=False),
        sa.Column("target", sa.Integer, nullable=True),
        sa.Column("created_utc", sa.BigInteger, nullable=False),
        sa.Column("updated_utc", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "entry",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(36), nullable=False, unique=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id"), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("start_utc", sa.BigInteger, nullable=False),
        sa.Column("end_utc", sa.BigInteger, nullable=False),
        sa.Column("seconds", sa.BigInteger, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("created_utc", sa.BigInteger, nullable=False),
        sa.Column("updated_utc", sa.BigInteger, nullable=False),
        sa.Column("change_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_entry_person_start", "entry", ["person_id", "start_utc"])
    op.create_index("ix_entry_start", "entry", ["start_utc"])
    op.create_index("ix_entry_change", "entry", ["change_id"])
    op.create_index("ix_entry_seconds", "entry", ["seconds"])
    op.create_table(
        "timer",
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("person.id"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("start_utc", sa.BigInteger, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("created_utc", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "change",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at_utc", sa.BigInteger, nullable=False),
        sa.Column("command", sa.String(32), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("undone", sa.Boolean, nullable=False),
    )
    op.create_table(
        "change_row",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("change_id", sa.Integer, sa.ForeignKey("change.id"), nullable=False),
        sa.Column("table_name", sa.String(32), nullable=False),
        sa.Column("row_key", sa.String(64), nullable=False),
        sa.Column("before", sa.Text, nullable=True),
    )
    op.create_index("ix_change_row_change", "change_row", ["change_id"])


def downgrade() -> None:
    for table in ("change_row", "change", "timer", "entry", "person"):
        op.drop_table(table)
