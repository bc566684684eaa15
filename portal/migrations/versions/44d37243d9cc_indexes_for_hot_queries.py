"""indexes for hot queries: votes by address and period, recent and search-led views, open and
uncounted feedback, suggestions by query prefix, popular articles by clicks, latest articles

Revision ID: 44d37243d9cc
Revises: 70a98b4740c2
Create Date: 2026-11-23 02:47:33.538221

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '44d37243d9cc'
down_revision = '70a98b4740c2'
branch_labels = None
depends_on = None


def upgrade():
    # Partial index conditions are written per database: booleans read "IS false" on
    # PostgreSQL and "IS 0" on SQLite, as the queries that should use them say it.
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index('ix_article_language_status_published_at', ['language', 'status', 'published_at'], unique=False)

    with op.batch_alter_table('article_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_view_day'))
        batch_op.create_index('ix_article_view_article_id_query', ['article_id', 'query'], unique=False, postgresql_where=sa.text('"query" IS NOT NULL'), sqlite_where=sa.text('"query" IS NOT NULL'))
        batch_op.create_index('ix_article_view_day_article_id', ['day', 'article_id'], unique=False)

    with op.batch_alter_table('article_vote', schema=None) as batch_op:
        batch_op.create_index('ix_article_vote_article_id_address', ['article_id', 'address'], unique=False)
        batch_op.create_index('ix_article_vote_article_id_updated_at', ['article_id', 'updated_at'], unique=False)
        batch_op.create_index('ix_article_vote_not_counted', ['article_id'], unique=False, postgresql_where=sa.text('counted IS false'), sqlite_where=sa.text('counted IS 0'))
        batch_op.create_index('ix_article_vote_open_feedback', ['article_id'], unique=False, postgresql_where=sa.text('helpful IS false AND resolved_at IS NULL'), sqlite_where=sa.text('helpful IS 0 AND resolved_at IS NULL'))

    with op.batch_alter_table('search_query', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_query_query'))
        batch_op.create_index('ix_search_query_clicks', ['created_at', 'clicked_slug'], unique=False, postgresql_where=sa.text('clicked_slug IS NOT NULL'), sqlite_where=sa.text('clicked_slug IS NOT NULL'))
        batch_op.create_index('ix_search_query_language_query', ['language', 'query', 'created_at'], unique=False, postgresql_ops={'query': 'varchar_pattern_ops'}, postgresql_include=['result_count'])


def downgrade():
    with op.batch_alter_table('search_query', schema=None) as batch_op:
        batch_op.drop_index('ix_search_query_language_query')
        batch_op.drop_index('ix_search_query_clicks')
        batch_op.create_index(batch_op.f('ix_search_query_query'), ['query'], unique=False)

    with op.batch_alter_table('article_vote', schema=None) as batch_op:
        batch_op.drop_index('ix_article_vote_open_feedback')
        batch_op.drop_index('ix_article_vote_not_counted')
        batch_op.drop_index('ix_article_vote_article_id_updated_at')
        batch_op.drop_index('ix_article_vote_article_id_address')

    with op.batch_alter_table('article_view', schema=None) as batch_op:
        batch_op.drop_index('ix_article_view_day_article_id')
        batch_op.drop_index('ix_article_view_article_id_query')
        batch_op.create_index(batch_op.f('ix_article_view_day'), ['day'], unique=False)

    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index('ix_article_language_status_published_at')
