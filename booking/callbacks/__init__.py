"""Callback requests ("Rückruf anfordern"): a customer leaves a number and a topic, the office
is told by e-mail, and dispatchers call and mark the request as done."""

from flask import Flask


def init_app(app: Flask) -> None:
    from booking.callbacks import cli, staff_views, views
    from booking.cli import booking_cli

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    booking_cli.add_command(cli.purge_callbacks_command)
