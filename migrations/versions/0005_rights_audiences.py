"""rights library and audience lists: rights, audience_lists, their versions and members

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import core.models.base

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
KINDS = "('points', 'coupon_code', 'red_packet', 'webhook', 'physical', 'none')"
CATEGORIES = (
    "('phone_credit', 'mobile_data', 'e_card', 'fuel_card', 'video_membership', 'points', "
    "'cash', 'gift', 'other')"
)


def upgrade():
    op.create_table('rights',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=True),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('config', JSON, nullable=False),
    sa.Column('cost', sa.Float(), nullable=False),
    sa.Column('valid_days', sa.Integer(), nullable=True),
    sa.Column('redemption_limit', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('low_stock_threshold', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('created_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint(f'kind IN {KINDS}', name=op.f('ck_rights_kind')),
    sa.CheckConstraint(f'category IN {CATEGORIES}', name=op.f('ck_rights_category')),
    sa.CheckConstraint('cost >= 0', name=op.f('ck_rights_cost')),
    sa.CheckConstraint('valid_days IS NULL OR valid_days > 0', name=op.f('ck_rights_valid_days')),
    sa.CheckConstraint('redemption_limit >= 1', name=op.f('ck_rights_redemption_limit')),
    sa.CheckConstraint(
        'low_stock_threshold IS NULL OR low_stock_threshold >= 0',
        name=op.f('ck_rights_low_stock_threshold'),
    ),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_rights_branch_id_branches'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights')),
    sa.UniqueConstraint('key', name=op.f('uq_rights_key'))
    )
    op.create_index(op.f('ix_rights_branch_id'), 'rights', ['branch_id'], unique=False)
    op.create_index('ix_rights_category_kind', 'rights', ['category', 'kind'], unique=False)

    op.create_table('audience_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('whitelist', 'segment')", name=op.f('ck_audience_lists_kind')),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_audience_lists_branch_id_branches'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_audience_lists_channel_id_channels'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_audience_lists_created_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audience_lists')),
    sa.UniqueConstraint('name', name=op.f('uq_audience_lists_name'))
    )
    op.create_index(op.f('ix_audience_lists_branch_id'), 'audience_lists', ['branch_id'], unique=False)

    op.create_table('audience_list_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('report', JSON, nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_audience_list_versions_number')),
    sa.CheckConstraint('size >= 1', name=op.f('ck_audience_list_versions_size')),
    sa.ForeignKeyConstraint(['list_id'], ['audience_lists.id'], name=op.f('fk_audience_list_versions_list_id_audience_lists'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_audience_list_versions_created_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audience_list_versions')),
    sa.UniqueConstraint('list_id', 'number', name=op.f('uq_audience_list_versions_list_id_number'))
    )

    op.create_table('audience_members',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('participant', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['audience_list_versions.id'], name=op.f('fk_audience_members_version_id_audience_list_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'participant', name=op.f('pk_audience_members'))
    )


def downgrade():
    op.drop_table('audience_members')
    op.drop_table('audience_list_versions')
    op.drop_index(op.f('ix_audience_lists_branch_id'), table_name='audience_lists')
    op.drop_table('audience_lists')
    op.drop_index('ix_rights_category_kind', table_name='rights')
    op.drop_index(op.f('ix_rights_branch_id'), table_name='rights')
    op.drop_table('rights')
