"""The production path (`make serve`: scripts/serve.sh and gunicorn.conf.py) with real processes:
rate limits count across workers, per-worker counting is refused, no secret reaches the log."""

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from portal import create_app
from portal.extensions import db
from portal.models import Role, create_user
from tests.helpers.config import once
from tests.helpers.pages import csrf_token
from tests.helpers.processes import free_port, wait_for
from tests.helpers.staff import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LIMIT = 10
ATTEMPTS = 40


def _environment(folder: Path, **extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "RATELIMIT_STORAGE_URI")
    }
    return {
        **env,
        "DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}",
        "PORTAL_INSTANCE_PATH": str(folder),
        "PORTAL_LOGIN_RATE_LIMIT": f"{LIMIT} per minute",
        "PORTAL_ACCESS_LOG": str(folder / "access.log"),
        **extra,
    }


def _wrong_login(base: str) -> int:
    with requests.Session() as session:
        page = session.get(f"{base}/staff/login", timeout=30)
        answer = session.post(
            f"{base}/staff/login",
            data={
                "csrf_token": csrf_token(page.text),
                "email": "admin@portal.example",
                "password": "falsch falsch falsch",
            },
            timeout=30,
        )
        return answer.status_code


@once
def test_make_serve_counts_wrong_passwords_across_workers_and_logs_no_private_text(tmp_path):
    env = _environment(tmp_path, PORTAL_WORKERS="4", PORTAL_BIND=f"127.0.0.1:{free_port()}")
    subprocess.run([str(BIN / "portal"), "db", "upgrade"], env=env, check=True, capture_output=True)
    app = create_app({"INSTANCE_PATH": tmp_path, "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"]})
    with app.app_context():
        create_user("admin@portal.example", "Admin", Role.ADMIN, PASSWORD)
        db.session.commit()
        db.engine.dispose()
    base = f"http://{env['PORTAL_BIND']}"
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            ["scripts/serve.sh"], cwd=ROOT, env={**env, "BIN": str(BIN)}, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_for(f"{base}/de/", server, log)
        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(_wrong_login, [base] * ATTEMPTS))
        token = "9f" * 20
        requests.get(f"{base}/de/termin/verwalten/{token}", timeout=30)
        for private in (
            "/de/suche?q=Gasgeruch+Erika+Mustermann&seite=1",
            "/api/triage?text=Heizung+aus+Kinder+krank&lang=de",
            "/de/rueckruf?thema=Rechnung+Mustermann",
        ):
            requests.get(base + private, timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert codes.count(429) >= ATTEMPTS - LIMIT, codes
    time.sleep(0.2)
    access = (tmp_path / "access.log").read_text()
    assert "/de/termin/verwalten/" in access and token not in access
    assert "/de/suche?q=…&seite=1" in access and "/api/triage?text=…&lang=de" in access
    assert "Mustermann" not in access and "Kinder" not in access
    assert "Traceback" not in log.read_text()


@once
def test_gunicorn_refuses_to_count_limits_per_worker(tmp_path):
    env = _environment(tmp_path, PORTAL_WORKERS="2", PORTAL_BIND=f"127.0.0.1:{free_port()}")
    done = subprocess.run(
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert re.search(r"Rate limits would count per worker", done.stdout + done.stderr)
