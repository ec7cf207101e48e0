"""advisories and changes: vendor releases, sites' signature ages, change requests and their devices

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 00:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor', sa.String(length=100), nullable=False),
    sa.Column('vendor_key', sa.String(length=100), nullable=False),
    sa.Column('models', sa.Text(), nullable=False),
    sa.Column('models_key', sa.String(length=500), nullable=False),
    sa.Column('component', sa.String(length=200), nullable=False),
    sa.Column('component_key', sa.String(length=200), nullable=False),
    sa.Column('version', sa.String(length=100), nullable=False),
    sa.Column('released', sa.Date(), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('fixes', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('vendor_key', 'component_key', 'version', 'models_key', name='uq_releases_release')
    )
    op.create_table('signature_ages',
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('max_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('site_id')
    )
    op.create_table('changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('component', sa.String(length=200), nullable=False),
    sa.Column('target_version', sa.String(length=100), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=True),
    sa.Column('evaluation', sa.Text(), nullable=False),
    sa.Column('risk', sa.String(length=16), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('window_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rollback_plan', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('approved_by', sa.String(length=200), nullable=True),
    sa.Column('approval_reference', sa.String(length=200), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rejected_by', sa.String(length=200), nullable=True),
    sa.Column('reject_reason', sa.Text(), nullable=True),
    sa.Column('implemented_by_id', sa.Integer(), nullable=True),
    sa.Column('implemented_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rollback_reason', sa.Text(), nullable=True),
    sa.Column('rolled_back_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['implemented_by_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('changes', schema=None) as batch_op:
        batch_op.create_index('ix_changes_state', ['state'], unique=False)

    op.create_table('change_devices',
    sa.Column('change_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('version_before', sa.String(length=100), nullable=True),
    sa.Column('version_seen', sa.String(length=100), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['change_id'], ['changes.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('change_id', 'device_id')
    )
    with op.batch_alter_table('change_devices', schema=None) as batch_op:
        batch_op.create_index('ix_change_devices_device', ['device_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('change_devices', schema=None) as batch_op:
        batch_op.drop_index('ix_change_devices_device')

    op.drop_table('change_devices')
    with op.batch_alter_table('changes', schema=None) as batch_op:
        batch_op.drop_index('ix_changes_state')

    op.drop_table('changes')
    op.drop_table('signature_ages')
    op.drop_table('releases')
