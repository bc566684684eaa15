"""Reading what the portal sends to its database."""

from contextlib import contextmanager

from sqlalchemy import event

from portal.extensions import db


@contextmanager
def sql_statements(app):
    """Collect the SQL statements the app sends inside the block: N+1 checks count them."""
    statements: list[str] = []

    def record(connection, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
