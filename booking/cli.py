"""``portal booking``: the jobs cron runs for appointments."""

import click
from flask.cli import AppGroup

from booking import notifications, scheduling

booking_cli = AppGroup("booking", help="Appointment jobs for cron.")


@booking_cli.command("send-reminders")
def send_reminders_command():
    """E-mail a reminder for appointments within the next day; never twice."""
    sent, failed = notifications.send_due_reminders()
    click.echo(f"{sent} reminders sent.")
    if failed:
        raise click.ClickException(f"{failed} reminders failed; the next run tries them again.")


@booking_cli.command("purge-photos")
def purge_photos_command():
    """Delete customers' photos older than the configured number of days."""
    click.echo(f"{scheduling.purge_photos()} photos deleted.")
