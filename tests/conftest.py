"""Fixtures: a fresh portal per test on a real, migrated database (SQLite, or PostgreSQL)."""

import shutil
import threading

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from werkzeug.serving import make_server

from portal import clock as portal_clock
from portal import create_app
from portal.extensions import db
from portal.models import Role, create_user
from tests.helpers.config import POSTGRES_URL
from tests.helpers.staff import PASSWORD, login


def _migrated_app(instance, url):
    app = create_app({"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once per session; each test then starts from a copy of that schema."""
    folder = tmp_path_factory.mktemp("template")
    if POSTGRES_URL:
        _migrated_app(folder / "instance", POSTGRES_URL)
        return POSTGRES_URL
    path = folder / "template.sqlite3"
    _migrated_app(folder / "instance", f"sqlite:///{path}")
    return path


def _fresh_database(template, folder) -> str:
    if POSTGRES_URL:
        engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as connection:
            tables = connection.scalars(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            ).all()
            quoted = ", ".join(f'"{table}"' for table in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return POSTGRES_URL
    # A new file each time: an earlier database's write-ahead log must not join the copy.
    target = folder / f"portal-{len(list(folder.glob('portal-*.sqlite3')))}.sqlite3"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


def _unsynchronised(connection, record):
    """Tests need no durability across power cuts; SQLite then skips its fsyncs."""
    connection.execute("PRAGMA synchronous = OFF")


class ClosingClient(FlaskClient):
    """A test client that reads and closes every response, as a server does once it has sent
    it: what the portal does after the answer has gone out runs before the test goes on."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def make_app(database_template, tmp_path):
    """Build portals sharing one fresh database per test; keywords override configuration."""
    created = []
    database = {}

    def build(fresh_database=False, **config):
        instance = tmp_path / "instance"
        if fresh_database or "url" not in database:
            database["url"] = _fresh_database(database_template, tmp_path)
        url = database["url"]
        app = create_app(
            {
                "INSTANCE_PATH": instance,
                "SQLALCHEMY_DATABASE_URI": url,
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                # One PBKDF2 round instead of scrypt: each staff account costs microseconds, not
                # 0.3 s (tests/portal/test_passwords.py proves production hashes with scrypt).
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
                **config,
            }
        )
        if not POSTGRES_URL:
            with app.app_context():
                event.listen(db.engine, "connect", _unsynchronised)
        app.test_client_class = ClosingClient
        created.append(app)
        return app

    yield build
    for app in created:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def clock():
    """The portal's clock, to move forward where a test would otherwise wait."""
    return portal_clock


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def staff(app):
    """One active account per role, all with PASSWORD; a mapping role -> e-mail."""
    emails = {}
    with app.app_context():
        for role in Role:
            email = f"{role.value}@portal.example"
            create_user(email, role.value.title(), role, PASSWORD)
            emails[role.value] = email
        db.session.commit()
    return emails


@pytest.fixture
def editor_client(client, staff):
    login(client, staff["editor"])
    return client


@pytest.fixture
def admin_client(client, staff):
    login(client, staff["admin"])
    return client


@pytest.fixture
def live_server(make_app):
    """Serve a fresh portal over HTTP for the browser; yields (base_url, app)."""
    app = make_app(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
