"""appointment urgency: the triage of the problem when it was booked

Revision ID: b4c8e1f2a6d3
Revises: 9b1e5c2d7a40
Create Date: 2026-12-02 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4c8e1f2a6d3'
down_revision = '9b1e5c2d7a40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgency', sa.String(length=10), nullable=False, server_default='normal'))
        batch_op.add_column(sa.Column('urgency_reason', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_column('urgency_reason')
        batch_op.drop_column('urgency')
