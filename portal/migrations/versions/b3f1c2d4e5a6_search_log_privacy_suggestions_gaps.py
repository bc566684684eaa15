"""search log: folded query, keyed searcher hash, answered; staff-approved suggestions

Old searches keep all three empty: the content-gap report folds their text itself, and
without a searcher hash they never count towards a suggestion.

Revision ID: b3f1c2d4e5a6
Revises: a5c2e8f1b7d4
Create Date: 2026-12-02 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f1c2d4e5a6'
down_revision = 'a5c2e8f1b7d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_query', schema=None) as batch_op:
        batch_op.add_column(sa.Column('folded', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('searcher', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('answered', sa.Boolean(), nullable=True))
        batch_op.create_index('ix_search_query_language_folded', ['language', 'folded', 'created_at'], unique=False, postgresql_ops={'folded': 'varchar_pattern_ops'})

    op.create_table('search_suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('folded', sa.String(length=200), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('state', sa.Enum('approved', 'blocked', name='suggestion_state'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_search_suggestion_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_suggestion')),
    sa.UniqueConstraint('language', 'folded', name=op.f('uq_search_suggestion_language'))
    )


def downgrade():
    op.drop_table('search_suggestion')
    sa.Enum(name='suggestion_state').drop(op.get_bind(), checkfirst=True)
    with op.batch_alter_table('search_query', schema=None) as batch_op:
        batch_op.drop_index('ix_search_query_language_folded')
        batch_op.drop_column('answered')
        batch_op.drop_column('searcher')
        batch_op.drop_column('folded')
