"""Error pages in the visitor's language, and JSON errors for the API."""

from flask import Flask, Response, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please check your input.")),
        403: (_("Access denied"), _("You do not have permission to open this page.")),
        404: (_("Page not found"), _("The page you are looking for does not exist or was moved.")),
        405: (_("Method not allowed"), _("This address cannot be used this way.")),
        413: (_("Request too large"), _("The data sent is too large. Please send less at once.")),
        429: (
            _("Too many requests"),
            _("You have made too many attempts. Please wait a moment and try again."),
        ),
        500: (
            _("Something went wrong"),
            _("An unexpected error occurred. Please try again later."),
        ),
    }


def api_error(reason: str):
    """A 400 for the JSON API, naming what was wrong with the request."""
    return jsonify(error="bad_request", reason=reason), 400


def render_error(code: int, detail: str | None = None):
    """The error page, or a JSON error for the API, in the visitor's language."""
    title, message = _messages().get(code, (_("Error"), _("The request failed.")))
    if request.path.startswith("/api/"):
        return jsonify(error=title, reason=detail or message), code
    if request_ctx.url_adapter is None:  # a Host not trusted: no link can be built for it
        return Response(f"{title}. {message}", mimetype="text/plain"), code
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def _handle_http(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    return *render_error(error.code), headers


def _handle_csrf(error: CSRFError):
    message = _("The form has expired or was sent from elsewhere. Please try again.")
    return render_error(400, message)


def _handle_unexpected(error: Exception):
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(InternalServerError, _handle_unexpected)
