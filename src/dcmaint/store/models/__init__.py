"""SQLAlchemy models, one module per aggregate: the schema's single definition. Changes go through a migration.

Each name has one home (``dcmaint.store.models.registers.SiteRow``, ``dcmaint.store.models.base.Base``).
Importing any of them runs this file first, which imports every aggregate, so ``Base.metadata`` always
holds the whole schema: what Alembic compares, ``db check`` checks and the foreign keys between
aggregates resolve against.
"""

from dcmaint.store.models import audit, depot, health, registers, tickets

AGGREGATES = (registers, health, depot, tickets, audit)
