"""Two app nodes under gunicorn, each with its own index folder, share one PostgreSQL and one
Redis: what is published on one is found on the other, votes and bookings through both are
neither lost nor doubled, and rate limits count across both."""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import time as clock
from pathlib import Path
from typing import NamedTuple

import psycopg
import pytest
import redis
import requests
from flask_migrate import upgrade
from sqlalchemy import func, select

from articles import ranking
from articles.models import Article, ArticleScore, ArticleVote
from booking.models import Appointment, OccupiedWindow
from portal import create_app
from portal.extensions import db
from portal.models import Role, create_user
from tests.booking.helpers import add_service, add_technician, form_data, in_days
from tests.helpers.config import POSTGRES_URL
from tests.helpers.pages import csrf_token
from tests.helpers.processes import free_port, wait_for
from tests.helpers.staff import PASSWORD

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="several nodes need PostgreSQL")

ROOT = Path(__file__).resolve().parents[2]
EDITOR = "editor@portal.example"
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
GENEROUS = "1000000 per minute"
LOGIN_LIMIT = 4  # per minute and address: the fifth attempt is refused, whichever node gets it


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("nodes")


@pytest.fixture(scope="module")
def redis_url(folder):
    server = shutil.which("redis-server") or pytest.fail("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def shared_database(folder):
    """A database of its own on the test server, migrated, with an editor and a technician."""
    name = f"portal_nodes_{secrets.token_hex(4)}"
    admin_url = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    app = create_app({"INSTANCE_PATH": folder / "setup", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        create_user(EDITOR, "Editor", Role.EDITOR, PASSWORD)
        db.session.commit()
        service = add_service()
        add_technician("Jens Albers", service, shifts=[(clock(8), clock(10))])
    yield url, app, service
    with app.app_context():
        db.engine.dispose()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def nodes(shared_database, redis_url, folder):
    """Two gunicorn nodes with two workers each; yields their base URLs and the outbox."""
    url, _, _ = shared_database
    outbox = folder / "shared-outbox"
    started = []
    for name in ("a", "b"):
        port = free_port()
        log = folder / f"node-{name}.log"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "PORTAL_INSTANCE_PATH": str(folder / f"node-{name}"),
            "SECRET_KEY": "one secret for every node",
            "RATELIMIT_STORAGE_URI": redis_url,
            "PORTAL_BIND": f"127.0.0.1:{port}",
            "PORTAL_WORKERS": "2",
            "PORTAL_SEARCH_SYNC_SECONDS": "1",
            "PORTAL_MAIL_OUTBOX": str(outbox),
            "PORTAL_LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute",
            "PORTAL_VOTE_RATE_LIMIT": GENEROUS,
            "PORTAL_VOTE_VISITOR_RATE_LIMIT": GENEROUS,
            "PORTAL_BOOKING_RATE_LIMIT": GENEROUS,
        }
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        started.append((f"http://127.0.0.1:{port}", process, log))
    try:
        for base, process, log in started:
            wait_for(f"{base}/de/", process, log)
        yield Cluster(
            [base for base, _, _ in started], outbox, [folder / "node-a", folder / "node-b"]
        )
    finally:
        for _, process, _ in started:
            process.terminate()
        for _, process, log in started:
            process.wait(timeout=30)
            assert "Traceback" not in log.read_text(), log.read_text()


class Cluster(NamedTuple):
    urls: list[str]
    outbox: Path
    instances: list[Path]


def signed_in(base: str) -> requests.Session:
    session = requests.Session()
    token = csrf_token(session.get(f"{base}/staff/login").text)
    answer = session.post(
        f"{base}/staff/login",
        data={"email": EDITOR, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text
    return session


def publish(session: requests.Session, base: str, title: str, body: str) -> str:
    token = csrf_token(session.get(f"{base}/staff/articles/new").text)
    answer = session.post(
        f"{base}/staff/articles/new",
        data={
            "csrf_token": token,
            "title": title,
            "language": "de",
            "category": "Heizung/Störungen",
            "tags": "heizung",
            "summary": "Was tun?",
            "body": body,
            "action": "publish",
        },
    )
    assert answer.status_code == 200 and "Artikel veröffentlicht." in answer.text, answer.text
    return re.search(r'href="/de/artikel/([^"]+)"', answer.text).group(1)


def found(base: str, word: str, slug: str) -> bool:
    return f"/{slug}" in requests.get(f"{base}/de/suche", params={"q": word}, timeout=10).text


def test_published_on_one_node_found_on_the_other_within_five_seconds(nodes):
    first, second = nodes.urls
    # The other node answers from its own index, not from the database's stand-in search.
    built = nodes.instances[1] / "search" / "position"
    deadline = time.monotonic() + 30
    while not built.exists():
        assert time.monotonic() < deadline, "the node did not build its index on start"
        time.sleep(0.1)
    editor = signed_in(first)
    slug = publish(editor, first, "Brenner zeigt Störung F28", "Der Brenner zündet nicht: F28.")
    assert found(first, "F28", slug)  # the publishing node at once

    published = time.monotonic()
    while not found(second, "F28", slug):
        assert time.monotonic() - published < 5, "not found on the other node within 5 s"
        time.sleep(0.1)


def vote(base: str, slug: str, choices: list[str]) -> list[int]:
    """One visitor votes through ``base``, changing its mind along ``choices``."""
    session = requests.Session()
    session.headers.update(BROWSER)
    token = csrf_token(session.get(f"{base}/de/artikel/{slug}").text)
    return [
        session.post(
            f"{base}/api/articles/de/{slug}/vote",
            json={"vote": choice},
            headers={"X-CSRFToken": token},
        ).status_code
        for choice in choices
    ]


def test_votes_through_both_nodes_are_each_counted_once(nodes, shared_database):
    first, second = nodes.urls
    _, app, _ = shared_database
    slug = publish(signed_in(first), first, "Thermostat klickt", "Das Thermostat klickt laut.")
    plans = [["yes"], ["no"], ["yes", "no"], ["no", "yes", "yes"], ["yes", "withdraw"]] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(lambda n: vote((first, second)[n % 2], slug, plans[n]), range(len(plans)))
        )
    assert {code for codes in answers for code in codes} == {200}
    finals = [plan[-1] for plan in plans]

    with app.app_context():
        article = db.session.scalar(select(Article.id).where(Article.slug == slug))
        stored = db.session.scalars(
            select(ArticleVote.helpful).where(ArticleVote.article_id == article)
        ).all()
        expected = [choice == "yes" for choice in finals if choice != "withdraw"]
        assert sorted(stored) == sorted(expected)
        score = select(ArticleScore).where(ArticleScore.article_id == article)
        running = db.session.scalar(score)
        sums = (running.yes, running.no)
        db.session.expire_all()
        ranking.rebuild_scores()
        rebuilt = db.session.scalar(score)
        assert sums == pytest.approx((rebuilt.yes, rebuilt.no))


def test_one_window_booked_through_both_nodes_at_once_goes_to_one_customer(nodes, shared_database):
    first, second = nodes.urls
    _, app, service = shared_database
    day = in_days(3)

    def book(n: int) -> int:
        base = (first, second)[n % 2]
        session = requests.Session()
        token = csrf_token(session.get(f"{base}/de/termin").text)
        data = form_data(service, day, 0, name=f"Kunde {n}", csrf_token=token)
        answer = session.post(f"{base}/de/termin/buchen", data=data, allow_redirects=False)
        return answer.status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = sorted(pool.map(book, range(6)))
    assert codes == [303, 409, 409, 409, 409, 409]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1
        assert db.session.scalar(select(func.count()).select_from(OccupiedWindow)) >= 1
    assert len(list(nodes.outbox.glob("*.eml"))) == 1  # the confirmation, in the shared outbox


def test_login_attempts_are_counted_across_nodes(nodes, redis_url):
    first, second = nodes.urls
    redis.Redis.from_url(redis_url).flushdb()  # forget the other tests' sign-ins
    codes = []
    for attempt in range(LOGIN_LIMIT + 1):
        base = (first, second)[attempt % 2]
        session = requests.Session()
        token = csrf_token(session.get(f"{base}/staff/login").text)
        answer = session.post(
            f"{base}/staff/login",
            data={"email": EDITOR, "password": "wrong password!", "csrf_token": token},
        )
        codes.append(answer.status_code)
    assert codes == [200] * LOGIN_LIMIT + [429]
