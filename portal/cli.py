"""The ``portal`` command line: Flask's CLI group with the portal's own commands."""

import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup
from sqlalchemy import select

from portal import audit, create_app, passwords
from portal.extensions import db
from portal.models import Role, User, create_user, normalise_email, user_by_email

DEMO_ADMIN_EMAIL = "admin@portal.example"


@click.group(cls=FlaskGroup, create_app=create_app)
def main():
    """Manage the customer portal."""


users = AppGroup("users", help="Manage staff accounts.")


@users.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.EDITOR.value,
    show_default=True,
    help="What the account may do.",
)
@click.option("--name", default="", help="Display name (defaults to the e-mail's local part).")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Password (asked for when not given).",
)
def create_user_command(email: str, role: str, name: str, password: str):
    """Create a staff account."""
    if user_by_email(email):
        raise click.ClickException(f"An account for {email} exists already.")
    problem = passwords.problem(password, email)
    if problem:
        raise click.ClickException(str(problem))
    create_user(email, name or email.split("@")[0], Role(role), password)
    audit.record(None, "account.created", normalise_email(email), role)
    db.session.commit()
    click.echo(f"Created {role} account {email}.")


demo = AppGroup("demo", help="Demo content for trying the portal out.")


@demo.command("load")
def load_demo():
    """Load demo articles, votes and searches, booking data and a demo admin; print the login."""
    from articles.demo_feedback import has_votes, load_demo_feedback
    from articles.demo_searches import has_searches, load_demo_searches
    from articles.importing import has_articles, import_demo_articles
    from booking.demo import has_services, load_demo_booking

    login_file = Path(current_app.instance_path) / "demo_login.txt"
    if db.session.scalar(select(User).limit(1)) is None:
        password = secrets.token_urlsafe(12)
        create_user(DEMO_ADMIN_EMAIL, "Demo-Admin", Role.ADMIN, password)
        db.session.commit()
        login_file.write_text(f"{DEMO_ADMIN_EMAIL} {password}\n")
        login_file.chmod(0o600)
    if has_articles():
        click.echo("The knowledge base has articles already; demo articles not loaded.")
    else:
        click.echo(f"Demo articles: {import_demo_articles().summary()}")
    if not has_services():
        services, technicians = load_demo_booking()
        click.echo(f"Demo booking: {services} service types, {technicians} technicians.")
    if not has_votes():
        votes, views = load_demo_feedback()
        click.echo(f"Demo feedback: {votes} votes, {views} views.")
    if not has_searches():
        click.echo(f"Demo search log: {load_demo_searches()} searches.")
    if login_file.exists():
        email, password = login_file.read_text().split()
        click.echo(f"Demo staff login: {email} / {password}")


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo)
