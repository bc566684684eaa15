"""The WSGI entry point for servers (gunicorn: ``portal.wsgi:app``).

Only serving processes import this module, so the background work a running node does, such as
following article changes into its search index, starts here.
"""

from portal import SERVING_HOOKS, create_app

app = create_app()
for start in app.extensions.get(SERVING_HOOKS, ()):
    start(app)
