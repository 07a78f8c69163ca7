"""review rounds and level branches on approvals, rollbacks under review, audit object labels,
studio notices

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import core.models.base

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.add_column(
        'campaigns', sa.Column('review_round', sa.Integer(), server_default='0', nullable=False)
    )
    op.add_column('campaigns', sa.Column('rollback_of', sa.Integer(), nullable=True))

    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('branch_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint('uq_approvals_campaign_id_draft_hash_level', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_approvals_campaign_id_round_level'), ['campaign_id', 'round', 'level']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_approvals_branch_id_branches'), 'branches', ['branch_id'], ['id'],
            ondelete='RESTRICT',
        )

    # audit_log is append-only (triggers): add the column in place (see 0003)
    if sqlite:
        op.execute('ALTER TABLE audit_log ADD COLUMN object_label VARCHAR(200)')
    else:
        op.add_column('audit_log', sa.Column('object_label', sa.String(length=200), nullable=True))

    op.create_table('studio_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('version_number', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', core.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint(
        "kind IN ('level_approved', 'approved', 'rejected', 'published')",
        name=op.f('ck_studio_notices_kind'),
    ),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_studio_notices_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_studio_notices_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_studio_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_notices'))
    )
    op.create_index('ix_studio_notices_user_read', 'studio_notices', ['user_id', 'read_at'], unique=False)


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.drop_index('ix_studio_notices_user_read', table_name='studio_notices')
    op.drop_table('studio_notices')
    if sqlite:  # in place: a batch copy would drop the append-only triggers
        op.execute('ALTER TABLE audit_log DROP COLUMN object_label')
    else:
        op.drop_column('audit_log', 'object_label')
    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_approvals_branch_id_branches'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_approvals_campaign_id_round_level'), type_='unique')
        batch_op.create_unique_constraint(
            'uq_approvals_campaign_id_draft_hash_level', ['campaign_id', 'draft_hash', 'level']
        )
        batch_op.drop_column('branch_id')
        batch_op.drop_column('round')
    op.drop_column('campaigns', 'rollback_of')
    op.drop_column('campaigns', 'review_round')
