"""callback requests

Customers' "Rückruf anfordern": who to call, the number as typed and in E.164, the topic with
its triage, the preferred part of the day, and when and by whom it was marked as done.

Revision ID: a5c2e8f1b7d4
Revises: de543ecdd6c2
Create Date: 2026-12-02 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5c2e8f1b7d4'
down_revision = 'de543ecdd6c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('callback_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('phone_e164', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('preferred_time', sa.Enum('morning', 'afternoon', 'any', name='part_of_day'), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('urgency', sa.String(length=10), nullable=False),
    sa.Column('urgency_reason', sa.String(length=20), nullable=True),
    sa.Column('status', sa.Enum('open', 'done', name='callback_status'), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_callback_request_closed_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_request'))
    )
    with op.batch_alter_table('callback_request', schema=None) as batch_op:
        batch_op.create_index('ix_callback_request_status_created_at', ['status', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('callback_request', schema=None) as batch_op:
        batch_op.drop_index('ix_callback_request_status_created_at')
    op.drop_table('callback_request')
    for name in ('callback_status', 'part_of_day'):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
