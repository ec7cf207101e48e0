"""record the SLA time used by tickets paused before it was kept at every step

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 19:30:00.000000

Before this revision, ``tickets.sla_elapsed_seconds`` was written only when a ticket
was restored, so ``ticket list --breached`` could not see a running ticket
that was paused after its target had run out (it reads that column for a
paused clock). dcmaint now writes the column at every step; this migration
fills it for the tickets that were paused when the store was upgraded: the
time from the start of handling to the start of the open pause, less the
earlier pauses. Tickets in any other state are left as they are: a running
clock's elapsed time is read from its due time, a restored one already has it.
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _utc(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite hands timestamps back as text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def upgrade() -> None:
    bind = op.get_bind()
    paused = bind.execute(sa.text(
        'SELECT id, started_at, paused_since, paused_seconds FROM tickets WHERE started_at IS NOT NULL '
        'AND restored_at IS NULL AND paused_since IS NOT NULL AND sla_elapsed_seconds IS NULL')).all()
    for ticket_id, started_at, paused_since, paused_seconds in paused:
        used = (_utc(paused_since) - _utc(started_at)).total_seconds() - float(paused_seconds or 0.0)
        bind.execute(sa.text('UPDATE tickets SET sla_elapsed_seconds = :used WHERE id = :id'),
                     {'used': max(used, 0.0), 'id': ticket_id})


def downgrade() -> None:
    pass  # the figures stay true under 0006; removing them would only hide breaches again
