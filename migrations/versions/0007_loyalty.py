"""loyalty: task completions (badges), points mall stock, exchanges and their parts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 17:09:46.821673

"""
from alembic import op
import sqlalchemy as sa

import core.models.base
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exchanges',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_key', sa.String(length=64), nullable=False),
    sa.Column('choice_key', sa.String(length=64), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('branch_code', sa.String(length=32), nullable=True),
    sa.Column('consumed', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity >= 1', name=op.f('ck_exchanges_quantity')),
    sa.CheckConstraint('unit_price >= 1', name=op.f('ck_exchanges_unit_price')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_exchanges_campaign_id_campaigns'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_exchanges_participant_id_participants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchanges')),
    sa.UniqueConstraint('participant_id', 'idempotency_key', name=op.f('uq_exchanges_participant_id_idempotency_key'))
    )
    with op.batch_alter_table('exchanges', schema=None) as batch_op:
        batch_op.create_index('ix_exchanges_campaign_created', ['campaign_id', 'created_at'], unique=False)
        batch_op.create_index('ix_exchanges_person_item', ['campaign_id', 'participant_id', 'item_key', 'day'], unique=False)

    op.create_table('mall_stock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('stock_total', sa.Integer(), nullable=True),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('updated_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('stock_total IS NULL OR taken <= stock_total', name=op.f('ck_mall_stock_within_stock')),
    sa.CheckConstraint('taken >= 0', name=op.f('ck_mall_stock_taken')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_mall_stock_campaign_id_campaigns'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mall_stock')),
    sa.UniqueConstraint('campaign_id', 'item_key', name=op.f('uq_mall_stock_campaign_id_item_key'))
    )
    op.create_table('task_completions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('task_key', sa.String(length=64), nullable=False),
    sa.Column('badge_ordinal', sa.Integer(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=160), nullable=False),
    sa.Column('created_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('badge_ordinal IS NULL OR badge_ordinal >= 1', name=op.f('ck_task_completions_badge_ordinal')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_task_completions_campaign_id_campaigns'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_task_completions_participant_id_participants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_completions')),
    sa.UniqueConstraint('campaign_id', 'participant_id', 'badge_ordinal', name=op.f('uq_task_completions_campaign_id_participant_id_badge_ordinal')),
    sa.UniqueConstraint('campaign_id', 'participant_id', 'task_key', name=op.f('uq_task_completions_campaign_id_participant_id_task_key'))
    )
    with op.batch_alter_table('task_completions', schema=None) as batch_op:
        batch_op.create_index('ix_task_completions_campaign_created', ['campaign_id', 'created_at'], unique=False)

    op.create_table('exchange_parts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('exchange_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('reward_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('refunded_at', core.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('points >= 1', name=op.f('ck_exchange_parts_points')),
    sa.ForeignKeyConstraint(['exchange_id'], ['exchanges.id'], name=op.f('fk_exchange_parts_exchange_id_exchanges'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reward_id'], ['rewards.id'], name=op.f('fk_exchange_parts_reward_id_rewards'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_parts')),
    sa.UniqueConstraint('exchange_id', 'part', name=op.f('uq_exchange_parts_exchange_id_part')),
    sa.UniqueConstraint('reward_id', name=op.f('uq_exchange_parts_reward_id'))
    )


def downgrade():
    op.drop_table('exchange_parts')
    with op.batch_alter_table('task_completions', schema=None) as batch_op:
        batch_op.drop_index('ix_task_completions_campaign_created')

    op.drop_table('task_completions')
    op.drop_table('mall_stock')
    with op.batch_alter_table('exchanges', schema=None) as batch_op:
        batch_op.drop_index('ix_exchanges_person_item')
        batch_op.drop_index('ix_exchanges_campaign_created')

    op.drop_table('exchanges')
