"""Alembic's environment: migrations run on the connection the portal hands over
(`config.attributes["connection"]`), or on `sqlalchemy.url` when run by the alembic command."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from interpreter.portal.db import Base

config = context.config
target_metadata = Base.metadata


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as opened:
        run(opened)
