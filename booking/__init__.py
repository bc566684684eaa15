"""Technician appointments: customers book repair and maintenance visits in free arrival
windows and manage them by a private link; dispatchers run the schedule."""

from flask import Flask


def init_app(app: Flask) -> None:
    from booking import callbacks, cli, staff_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    callbacks.init_app(app)
    app.cli.add_command(cli.booking_cli)
