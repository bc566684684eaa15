"""The WSGI entry point for servers (gunicorn: ``portal.wsgi:app``).

Only serving processes import this module, so the background work a running node does, such as
following article changes into its search index, starts here.
"""

import os

from portal import create_app
from portal.serving import start_serving

app = create_app()
if not os.environ.get("SECRET_KEY") and not app.config["SQLALCHEMY_DATABASE_URI"].startswith(
    "sqlite"
):
    app.logger.warning(
        "SECRET_KEY is not set: this node signs sessions and links with its own key from the "
        "instance folder; give every node that shares the database the same SECRET_KEY."
    )
start_serving(app)
