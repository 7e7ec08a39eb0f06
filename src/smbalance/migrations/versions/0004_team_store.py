"""What a team store needs: who each person logs in as, and who made each change.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

- `person.login`: the PostgreSQL login role linked to the person (`smbalance team add`),
  so row-level security can tell a member's own entries from the others'. NULL for a
  person nobody logs in as; one login is linked to at most one person.
- `change.actor`: the database role that made each change, so `undo` reverts only the
  caller's own changes and `smbalance db log` says who did what. On PostgreSQL it
  defaults to `CURRENT_USER`, so even a row written by hand in psql names its author
  (and existing changes are credited to whoever migrates); on SQLite, the file's one
  user, it holds that user's login name ('' for the changes made before).
- `team`: one row, written by `smbalance team init`, naming the store's group roles; no
  row means a store without a team (everyone trusted, as before).

Written out in full, not generated from the models, so it does the same thing forever.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.add_column("person", sa.Column("login", sa.String(63), nullable=True))
    op.create_index("ux_person_login", "person", ["login"], unique=True)
    op.add_column(
        "change",
        sa.Column(
            "actor",
            sa.String(63),
            nullable=False,
            server_default=sa.text("CURRENT_USER") if postgresql else "",
        ),
    )
    op.create_index("ix_change_actor", "change", ["actor", "id"])
    op.create_table(
        "team",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("owner_group", sa.String(63), nullable=False),
        sa.Column("member_group", sa.String(63), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_team_one_row"),
    )


def downgrade() -> None:
    op.drop_table("team")
    op.drop_index("ix_change_actor", "change")
    op.drop_index("ux_person_login", "person")
    with op.batch_alter_table("change") as batch:
        batch.drop_column("actor")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("login")
