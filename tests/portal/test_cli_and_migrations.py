from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db
from portal.models import Role, user_by_email


def test_users_create_makes_an_account(app):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "Chef@portal.example",
            "--role",
            "admin",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = user_by_email("chef@portal.example")
        assert user.role is Role.ADMIN and user.check_password("a long enough password")


def test_users_create_refuses_duplicates_and_short_passwords(app):
    runner = app.test_cli_runner()
    args = ["users", "create", "x@portal.example", "--password"]
    assert runner.invoke(args=[*args, "short"]).exit_code != 0
    assert runner.invoke(args=[*args, "a long enough password"]).exit_code == 0
    result = runner.invoke(args=[*args, "a long enough password"])
    assert result.exit_code != 0 and "exists already" in result.output


def test_demo_load_fills_an_empty_database_once_and_prints_the_login(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "0 failed" in first.output
    assert "Demo staff login: admin@portal.example / " in first.output
    email, password = first.output.split("Demo staff login: ")[1].split(" / ")
    with app.app_context():
        assert user_by_email(email).check_password(password.strip())
    second = runner.invoke(args=["demo", "load"])
    assert "not loaded" in second.output
    assert f"Demo staff login: {email} / {password.strip()}" in second.output


def test_every_command_has_a_one_line_help(app):
    runner = app.test_cli_runner()
    for group, commands in {
        "users": ["create"],
        "articles": ["import", "export", "rescore"],
        "demo": ["load"],
        "db": ["upgrade"],
    }.items():
        listing = runner.invoke(args=[group, "--help"]).output
        for command in commands:
            line = next(row for row in listing.splitlines() if row.strip().startswith(command))
            assert len(line.split(None, 1)) == 2, (group, command)


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_secret_key_is_generated_once_and_kept_in_the_instance_folder(make_app, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = make_app()
    key_file = __import__("pathlib").Path(first.instance_path) / "secret_key"
    assert key_file.exists() and len(first.config["SECRET_KEY"]) >= 32
    assert oct(key_file.stat().st_mode)[-3:] == "600"
    assert make_app().config["SECRET_KEY"] == first.config["SECRET_KEY"]
