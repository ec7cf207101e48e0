"""Alembic environment: runs on the engine dcmaint hands over (see dcmaint.store.schema)."""

from alembic import context

from dcmaint.store.models.base import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
