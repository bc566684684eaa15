"""ids of votes and absences are never handed out twice on SQLite

SQLite gives a deleted highest rowid to the next insert. A request that read a vote checks
its id and version when it writes, so a withdrawn vote's id and version could come back on
another visitor's new vote and pass that check; a second click on an absence's delete button
could remove the absence added since. AUTOINCREMENT keeps ids rising, as PostgreSQL's
sequences do.

Revision ID: 9b1e5c2d7a40
Revises: 44d37243d9cc
Create Date: 2026-11-23 05:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9b1e5c2d7a40'
down_revision = '44d37243d9cc'
branch_labels = None
depends_on = None


def _rebuild(autoincrement):
    if op.get_bind().dialect.name != 'sqlite':
        return
    for table in ('article_vote', 'absence'):
        with op.batch_alter_table(table, recreate='always', table_kwargs={'sqlite_autoincrement': autoincrement}):
            pass


def upgrade():
    _rebuild(True)


def downgrade():
    _rebuild(False)
