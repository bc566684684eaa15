"""The test run's database and the settings tests share."""

import os

import pytest
from sqlalchemy import create_engine, text


def _worker_database() -> None:
    """Under pytest-xdist each worker gets its own PostgreSQL database beside the one it was
    given (``portal_gw0``, ``portal_gw1``), so that workers never truncate each other's tables;
    every later reader of DATABASE_URL (gunicorn processes the tests start) sees the worker's."""
    url, worker = os.environ.get("DATABASE_URL", ""), os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return
    server, _, name = url.rpartition("/")
    own = f"{name}_{worker}"
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{own}"'))
    engine.dispose()
    os.environ["DATABASE_URL"] = f"{server}/{own}"


_worker_database()
POSTGRES_URL = os.environ.get("DATABASE_URL", "")
# Limits high enough for tests that send thousands of requests from one address. (Switching the
# limiter off with RATELIMIT_ENABLED would switch it off for every later app in the process.)
GENEROUS_LIMITS = dict.fromkeys(
    (
        "LOGIN_RATE_LIMIT",
        "VOTE_RATE_LIMIT",
        "VOTE_VISITOR_RATE_LIMIT",
        "BOOKING_RATE_LIMIT",
        "BOOKING_MANAGE_RATE_LIMIT",
        "BOOKING_API_RATE_LIMIT",
        "TRIAGE_RATE_LIMIT",
        "CALLBACK_RATE_LIMIT",
        "PASSWORD_RESET_RATE_LIMIT",
        "TWO_FACTOR_RATE_LIMIT",
        "SEARCH_LOG_RATE_LIMIT",
        "DEFLECTION_RATE_LIMIT",
    ),
    "1000000 per minute",
)
# For checks that cannot differ between databases (markup, accessibility, escaping): the SQLite
# run makes them, the PostgreSQL run skips them to keep `make test` short.
once = pytest.mark.skipif(bool(POSTGRES_URL), reason="database-independent; checked on SQLite")
