"""The WSGI entry point for gunicorn (``portal.wsgi:app``) and other servers."""

from portal import create_app

app = create_app()
