"""Alembic's environment: run the migrations on the connection the store hands over.

The store (``tawazun.store._database.migrate``) opens the connection, takes the lock and the
transaction; nothing here reads a configuration file or a URL.
"""

from alembic import context

from tawazun.store.schema import VERSION_TABLE, metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
