"""Hello-world Flask: the ceiling bench/http_load.py measures the portal against, served by the same
gunicorn settings, so the ratio shows what the portal's own work costs on this machine.

    .venv/bin/gunicorn -c gunicorn.conf.py bench.hello_app:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hallo Welt"
