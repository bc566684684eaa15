"""``portal booking purge-callbacks``: forget callback requests that were dealt with."""

import click
from flask.cli import with_appcontext

from booking.callbacks import requests


@click.command("purge-callbacks")
@with_appcontext
def purge_callbacks_command():
    """Delete callback requests closed more than the configured number of days ago."""
    click.echo(f"{requests.purge()} callback requests deleted.")
