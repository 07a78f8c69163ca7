"""studio notices: "to_decide", a submitted draft waiting for the reader's approval level

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 06:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BEFORE = ('level_approved', 'approved', 'rejected', 'published')
AFTER = (*BEFORE, 'to_decide')


def _kinds(kinds):
    with op.batch_alter_table('studio_notices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_studio_notices_kind'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_studio_notices_kind'), f"kind IN {kinds!r}"
        )


def upgrade():
    _kinds(AFTER)


def downgrade():
    op.execute(f"DELETE FROM studio_notices WHERE kind NOT IN {BEFORE!r}")
    _kinds(BEFORE)
