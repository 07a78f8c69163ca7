"""reports: rollups of the ledgers (hour, day, breakdowns), traffic, reward states, rollup
cursors, campaign insights and the marketing calendar; the old activity_rollups go

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import core.models.base
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rollup_cursors',
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('last_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('gaps', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('source', name=op.f('pk_rollup_cursors'))
    )
    op.create_table('calendar_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('campaign', 'content', 'topic', 'festival')", name=op.f('ck_calendar_entries_kind')),
    sa.CheckConstraint("status IN ('planned', 'confirmed', 'cancelled')", name=op.f('ck_calendar_entries_status')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_calendar_entries_dates')),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_calendar_entries_branch_id_branches'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_calendar_entries_campaign_id_campaigns'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_calendar_entries_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_entries'))
    )
    with op.batch_alter_table('calendar_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_entries_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index('ix_calendar_entries_starts_on', ['starts_on'], unique=False)

    op.create_table('campaign_insights',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('referrals', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('computed_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_insights_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', name=op.f('pk_campaign_insights'))
    )
    op.create_table('reward_states',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('branch_code', sa.String(length=32), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rewards', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'issuing', 'failed', 'cancelled', 'redeemed')", name=op.f('ck_reward_states_status')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_reward_states_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reward_states')),
    sa.UniqueConstraint('campaign_id', 'branch_code', 'day', 'status', name=op.f('uq_reward_states_campaign_id_branch_code_day_status'))
    )
    op.create_table('rollup_breakdowns',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('count', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('amount', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("dimension IN ('prize', 'reward', 'share_channel', 'share_age', 'candidate', 'event', 'join_channel')", name=op.f('ck_rollup_breakdowns_dimension')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_rollup_breakdowns_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_breakdowns')),
    sa.UniqueConstraint('campaign_id', 'dimension', 'day', 'item', name=op.f('uq_rollup_breakdowns_campaign_id_dimension_day_item'))
    )
    op.create_table('rollup_campaign_hours',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('hour', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('joins', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('drawers', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('draws', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('wins', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('consolations', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('winners', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('rewards', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('paid_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('shares', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('check_ins', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('votes', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('leads', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('events', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_rollup_campaign_hours_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_campaign_hours')),
    sa.UniqueConstraint('campaign_id', 'hour', name=op.f('uq_rollup_campaign_hours_campaign_id_hour'))
    )
    op.create_table('rollup_days',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('branch_code', sa.String(length=32), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('joins', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('drawers', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('draws', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('wins', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('consolations', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('winners', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('rewards', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('paid_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('shares', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('check_ins', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('votes', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('leads', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('events', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_rollup_days_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_days')),
    sa.UniqueConstraint('campaign_id', 'branch_code', 'day', name=op.f('uq_rollup_days_campaign_id_branch_code_day'))
    )
    with op.batch_alter_table('rollup_days', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_days_day', ['day', 'branch_code'], unique=False)

    op.create_table('rollup_hours',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('branch_code', sa.String(length=32), nullable=False),
    sa.Column('hour', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('joins', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('drawers', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('draws', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('wins', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('consolations', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('winners', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('rewards', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('paid_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('shares', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('check_ins', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('votes', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('leads', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('events', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_rollup_hours_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_hours')),
    sa.UniqueConstraint('campaign_id', 'branch_code', 'hour', name=op.f('uq_rollup_hours_campaign_id_branch_code_hour'))
    )
    op.create_table('traffic_rollups',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('grain', sa.String(length=8), nullable=False),
    sa.Column('bucket', sa.String(length=13), nullable=False),
    sa.Column('views', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('visitors', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('clicks', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False),
    sa.Column('updated_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("grain IN ('hour', 'day', 'all')", name=op.f('ck_traffic_rollups_grain')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_traffic_rollups_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_traffic_rollups')),
    sa.UniqueConstraint('campaign_id', 'grain', 'bucket', name=op.f('uq_traffic_rollups_campaign_id_grain_bucket'))
    )
    op.drop_table('activity_rollups')


def downgrade():
    op.create_table('activity_rollups',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('branch_code', sa.String(length=32), nullable=False),
    sa.Column('hour', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('joins', sa.Integer(), nullable=False),
    sa.Column('draws', sa.Integer(), nullable=False),
    sa.Column('wins', sa.Integer(), nullable=False),
    sa.Column('rewards_issued', sa.Integer(), nullable=False),
    sa.Column('updated_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_activity_rollups_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_rollups')),
    sa.UniqueConstraint('campaign_id', 'branch_code', 'hour', name=op.f('uq_activity_rollups_campaign_id_branch_code_hour'))
    )
    op.drop_table('traffic_rollups')
    op.drop_table('rollup_hours')
    with op.batch_alter_table('rollup_days', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_days_day')

    op.drop_table('rollup_days')
    op.drop_table('rollup_campaign_hours')
    op.drop_table('rollup_breakdowns')
    op.drop_table('reward_states')
    op.drop_table('campaign_insights')
    with op.batch_alter_table('calendar_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_calendar_entries_starts_on')
        batch_op.drop_index(batch_op.f('ix_calendar_entries_branch_id'))

    op.drop_table('calendar_entries')
    op.drop_table('rollup_cursors')
