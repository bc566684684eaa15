"""Work that belongs to a serving process, started by ``portal.wsgi``: not by CLI commands or
tests, which create apps too."""

from collections.abc import Callable

from flask import Flask

HOOKS = "portal.on_serve"


def on_serve(app: Flask, start: Callable[[Flask], object]) -> None:
    """Have ``start(app)`` run once in every serving process."""
    app.extensions.setdefault(HOOKS, []).append(start)


def start_serving(app: Flask) -> None:
    for start in app.extensions.get(HOOKS, ()):
        start(app)
