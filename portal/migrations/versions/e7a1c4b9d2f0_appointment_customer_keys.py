"""appointment customer keys: one customer's bookings found whatever the spelling

Revision ID: e7a1c4b9d2f0
Revises: b4c8e1f2a6d3
Create Date: 2026-12-02 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a1c4b9d2f0'
down_revision = 'b4c8e1f2a6d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_key', sa.String(length=254), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('phone_key', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address_key', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_appointment_email_key'), ['email_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_phone_key'), ['phone_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_address_key'), ['address_key'], unique=False)


def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_address_key'))
        batch_op.drop_index(batch_op.f('ix_appointment_phone_key'))
        batch_op.drop_index(batch_op.f('ix_appointment_email_key'))
        batch_op.drop_column('address_key')
        batch_op.drop_column('phone_key')
        batch_op.drop_column('email_key')
