"""pending two-factor secret: the secret being set up waits on the server, not in the cookie

Revision ID: c8d2e4f6a1b3
Revises: b3f1c2a9e7d4
Create Date: 2026-12-08 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8d2e4f6a1b3'
down_revision = 'b3f1c2a9e7d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_pending_secret', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_pending_secret')
