"""Alembic environment: newswatch runs migrations itself (``crawler.store.migrate``) on a given connection."""

from alembic import context

from crawler.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things in place
)
with context.begin_transaction():
    context.run_migrations()
