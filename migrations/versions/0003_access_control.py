"""access control: audit rows carry a branch, per-user session nonce, points requests

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa

import core.models.base

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    # audit_log is append-only (triggers refuse UPDATE/DELETE): add the column in place on
    # SQLite (a batch copy would drop the triggers). Older rows keep NULL: head office's.
    if sqlite:
        op.execute(
            'ALTER TABLE audit_log ADD COLUMN branch_id INTEGER '
            'CONSTRAINT fk_audit_log_branch_id_branches REFERENCES branches (id)'
        )
    else:
        op.add_column('audit_log', sa.Column('branch_id', sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f('fk_audit_log_branch_id_branches'), 'audit_log', 'branches',
            ['branch_id'], ['id'],
        )
    op.create_index(op.f('ix_audit_log_branch_id'), 'audit_log', ['branch_id'], unique=False)

    op.add_column(
        'users', sa.Column('session_nonce', sa.String(length=32), server_default='', nullable=False)
    )
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_nonce', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(session_nonce=secrets.token_hex(16))
        )

    op.create_table('points_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('valid_days', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', core.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=255), nullable=True),
    sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'approved', 'refused')", name=op.f('ck_points_requests_status')),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_points_requests_amount')),
    sa.CheckConstraint('decided_by_id IS NULL OR decided_by_id <> requested_by_id', name=op.f('ck_points_requests_second_person')),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_points_requests_branch_id_branches'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_points_requests_campaign_id_campaigns'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_points_requests_decided_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['entry_id'], ['points_entries.id'], name=op.f('fk_points_requests_entry_id_points_entries'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_points_requests_participant_id_participants'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_points_requests_requested_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_requests'))
    )
    op.create_index('ix_points_requests_branch_status', 'points_requests', ['branch_id', 'status'], unique=False)


def downgrade():
    op.drop_index('ix_points_requests_branch_status', table_name='points_requests')
    op.drop_table('points_requests')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_nonce')
    op.drop_index(op.f('ix_audit_log_branch_id'), table_name='audit_log')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_audit_log_branch_id_branches'), 'audit_log', type_='foreignkey')
        op.drop_column('audit_log', 'branch_id')
        return
    # SQLite cannot drop a foreign-key column in place: copy the table, then restore the
    # append-only triggers the copy drops.
    for operation in ('update', 'delete'):
        op.execute(f'DROP TRIGGER IF EXISTS audit_log_no_{operation}')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('branch_id')
    for operation in ('UPDATE', 'DELETE'):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{operation.lower()} BEFORE {operation} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )
