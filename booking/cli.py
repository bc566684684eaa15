"""``portal booking``: the jobs cron runs for appointments."""

import click
from flask.cli import AppGroup

from booking import notifications, scheduling

booking_cli = AppGroup("booking", help="Appointment jobs for cron.")


@booking_cli.command("send-reminders")
def send_reminders_command():
    """E-mail a reminder for appointments within the next day; never twice."""
    sent = 0
    for appointment in scheduling.due_reminders():
        if scheduling.claim_reminder(appointment):
            notifications.notify(appointment, "reminder")
            sent += 1
    click.echo(f"{sent} reminders sent.")


@booking_cli.command("purge-photos")
def purge_photos_command():
    """Delete customers' photos older than the configured number of days."""
    click.echo(f"{scheduling.purge_photos()} photos deleted.")
