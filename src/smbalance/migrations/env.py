"""Alembic environment: always run on the connection smbalance hands over."""

from alembic import context

from smbalance.models import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - we never run Alembic's own CLI on a URL
    raise RuntimeError("smbalance migrations run through `smbalance db migrate`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table rebuilds
)
with context.begin_transaction():
    context.run_migrations()
