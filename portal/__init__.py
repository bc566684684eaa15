"""The portal application factory."""

from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from portal import (
    accounts,
    api_docs,
    assets,
    audit_views,
    auth,
    errors,
    i18n,
    profile,
    safety,
    security,
    sessions,
)
from portal.config import from_environment, instance_path
from portal.extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from portal.forms import ID_MAX

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class RecordIdConverter(IntegerConverter):
    """``<int:…>`` in URLs stops where the database's integers do, so a huge number is a 404
    rather than an overflow."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits, min, ID_MAX if max is None else max, signed)


def _sqlite_for_many_processes(connection, record) -> None:
    """Write-ahead logging: readers never wait for a writer, and a commit costs no fsync (the
    log is synced at checkpoints), so several workers can share the embedded database."""
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")


def create_app(test_config: dict | None = None) -> Flask:
    """Create a portal; ``test_config`` overrides the environment (and may set INSTANCE_PATH)."""
    test_config = dict(test_config or {})
    folder = Path(test_config.pop("INSTANCE_PATH", None) or instance_path())
    folder.mkdir(parents=True, exist_ok=True)

    app = Flask(__name__, instance_path=str(folder), template_folder=str(TEMPLATES))
    app.url_map.converters["int"] = RecordIdConverter
    app.config.from_mapping(from_environment(folder))
    app.config.update(test_config)
    if app.config["PORTAL_BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_for_many_processes)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    sessions.init_app(app)

    app.jinja_env.add_extension("jinja2.ext.do")
    i18n.init_app(app)
    security.init_app(app)
    safety.init_app(app)
    compress.init_app(app)
    assets.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(profile.bp)
    app.register_blueprint(audit_views.bp)
    app.register_blueprint(api_docs.bp)

    import articles
    import booking
    from portal import cli

    articles.init_app(app)
    booking.init_app(app)
    cli.init_app(app)
    return app
