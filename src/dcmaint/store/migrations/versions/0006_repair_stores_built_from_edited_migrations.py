"""repair stores built while migrations 0002, 0004 and 0005 were edited in place

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 18:00:00.000000

Three released migrations were changed after stores had already run them, so
such a store is stamped at the right revision but lacks what the later text
adds:

- 0002 gained the column ``devices.options`` (driver options per device);
- 0004 gained the column ``swaps.fault_id`` (the fault a swap closed, a
  reference to ``faults`` that becomes NULL when the fault goes), then the
  index ``ix_stock_site`` (unchecked spare matches per depot);
- 0005's ``ix_tickets_due`` became a partial index over
  ``sla_due_at IS NOT NULL`` (only running clocks) instead of a full one.

This migration looks at the live schema and brings any such store to the
shape of the models; on a store built from the released texts it changes
nothing, and running it twice changes nothing more. It reads the schema
itself rather than through dcmaint's code, so that what it does stays fixed
whatever later versions change.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

DUE_PREDICATE = 'sla_due_at IS NOT NULL'


def _columns(table: str) -> set[str]:
    return {column['name'] for column in sa.inspect(op.get_bind()).get_columns(table)}


def _index(name: str) -> tuple[bool, str | None]:
    """(whether index ``name`` exists, its WHERE predicate if it is partial) in the store's own schema."""
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        row = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"),
                           {'name': name}).first()
        if row is None:
            return False, None
        parts = re.split(r'\bWHERE\b', row[0] or '', maxsplit=1, flags=re.IGNORECASE)
        return True, parts[1].strip() if len(parts) > 1 else None
    row = bind.execute(sa.text(
        'SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid '
        'JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = :name AND n.nspname = current_schema()'),
        {'name': name}).first()
    return (True, row[0]) if row is not None else (False, None)


def upgrade() -> None:
    if 'options' not in _columns('devices'):  # 0002 before it carried driver options
        op.add_column('devices', sa.Column('options', sa.Text(), nullable=True))

    if 'fault_id' not in _columns('swaps'):  # 0004 as first released
        # On SQLite the table is rebuilt with the reference (what 0004 creates today); PostgreSQL alters it.
        with op.batch_alter_table('swaps', schema=None) as batch_op:
            batch_op.add_column(sa.Column('fault_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key('swaps_fault_id_fkey', 'faults', ['fault_id'], ['id'], ondelete='SET NULL')

    if not _index('ix_stock_site')[0]:  # 0004 before the unchecked-match index
        op.create_index('ix_stock_site', 'stock_units', ['site_id', 'status', 'part_id'], unique=False)

    exists, predicate = _index('ix_tickets_due')
    if exists and predicate is None:  # 0005 before the index held only running clocks
        op.drop_index('ix_tickets_due', table_name='tickets')
    if not exists or predicate is None:
        op.create_index('ix_tickets_due', 'tickets', ['sla_due_at'], unique=False,
                        sqlite_where=sa.text(DUE_PREDICATE), postgresql_where=sa.text(DUE_PREDICATE))


def downgrade() -> None:
    # Nothing to undo: what this adds is what 0002, 0004 and 0005 create today, and their downgrades remove it.
    pass
