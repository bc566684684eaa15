"""promoted answers: an article pinned first for a query and its spelling variants

Revision ID: b3f1c2a9e7d4
Revises: b3f1c2d4e5a6
Create Date: 2026-12-02 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f1c2a9e7d4'
down_revision = 'b3f1c2d4e5a6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('promoted_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('query', sa.String(length=200), nullable=False),
    sa.Column('query_key', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_promoted_answer_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_promoted_answer_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promoted_answer')),
    sa.UniqueConstraint('query_key', 'language', name=op.f('uq_promoted_answer_query_key'))
    )
    with op.batch_alter_table('promoted_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promoted_answer_article_id'), ['article_id'], unique=False)


def downgrade():
    with op.batch_alter_table('promoted_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promoted_answer_article_id'))

    op.drop_table('promoted_answer')
