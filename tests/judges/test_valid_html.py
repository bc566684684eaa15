"""Every page, as customers and staff get it in German and English, passes the W3C Nu HTML
checker (npm vnu-jar) without an error."""

import json
import shutil
import subprocess
from pathlib import Path

import pyotp
import pytest

from portal import audit, tokens, two_factor
from portal.extensions import db
from portal.models import Role, TokenPurpose, create_user, invite_user, user_by_email
from tests.helpers.config import GENEROUS_LIMITS, once
from tests.helpers.staff import PASSWORD, login
from tests.judges.site import customer_pages, populate, signed_in, staff_pages
from tests.portal.account_helpers import key_on_setup_page

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
TWO_FACTOR = "zwei@portal.example"


def account_pages(links: dict) -> list[tuple[str, str, dict | None]]:
    """(name, url, form data or None) for the pages a link or the second sign-in step opens."""
    reset = f"/staff/password/reset/{links['reset']}"
    invitation = f"/staff/invitation/{links['invite']}"
    weak = {"password": "passwort1234", "confirm": "anders"}
    return [
        ("reset link", reset, None),
        ("reset link, errors", reset, weak),
        ("invitation link", invitation, None),
        ("invitation link, errors", invitation, weak),
        ("staff login, code asked", "/staff/login", {"email": TWO_FACTOR, "password": PASSWORD}),
        ("staff login, wrong code", "/staff/login/code", {"code": "abc"}),
    ]


def _account_links(app) -> dict:
    """An invited account, a reset link and an account with two-factor sign-in."""
    with app.app_context():
        invited = invite_user("neu@portal.example", "Nina Neu", Role.EDITOR)
        two = create_user(TWO_FACTOR, "Zwei Faktor", Role.EDITOR, PASSWORD)
        for lang in ("de", "en"):
            create_user(f"setup-{lang}@portal.example", "Neue Kollegin", Role.EDITOR, PASSWORD)
        db.session.flush()
        two_factor.enable(two, two_factor.new_secret(), 0)
        links = {
            "invite": tokens.issue(invited, TokenPurpose.INVITATION),
            "reset": tokens.issue(
                user_by_email("editor@portal.example"), TokenPurpose.PASSWORD_RESET
            ),
        }
        audit.record(two, "two_factor.enabled", TWO_FACTOR)
        db.session.commit()
    return links


def _recovery_codes_page(app, lang: str):
    """The page that shows the recovery codes, once, after two-factor setup is confirmed."""
    client = app.test_client()
    client.set_cookie("lang", lang)
    login(client, f"setup-{lang}@portal.example")
    secret = key_on_setup_page(client.get("/staff/account/two-factor").text)
    return client.post("/staff/account/two-factor", data={"code": pyotp.TOTP(secret).now()})


def _validate(files: list[Path]) -> list[str]:
    java = shutil.which("java")
    assert java and VNU.exists(), "run `make test` (or npm ci) to install the Nu HTML checker"
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']} {m.get('extract')!r}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]


@pytest.mark.judge
@once
def test_every_page_is_valid_html(make_app, tmp_path):
    # No heating is urgent all year; signing in as each role and account in both languages
    # takes more than the login limit allows one address in a minute.
    app = make_app(HEATING_MONTHS=frozenset(range(1, 13)), **GENEROUS_LIMITS)
    site = populate(app)
    links = _account_links(app)
    files = []

    def keep(name: str, lang: str, response) -> None:
        assert response.status_code < 500, name
        assert response.mimetype == "text/html", name
        path = tmp_path / f"{lang}-{name.replace(' ', '_').replace(',', '')}.html"
        path.write_bytes(response.data)
        files.append(path)

    for lang in ("de", "en"):
        client = app.test_client()
        client.set_cookie("lang", lang)
        for name, url, data in customer_pages(site, lang):
            response = client.post(url, data=data) if data is not None else client.get(url)
            keep(name, lang, response)
        for name, url, data in account_pages(links):
            response = client.post(url, data=data) if data is not None else client.get(url)
            keep(name, lang, response)
        clients = {role: signed_in(app, role, lang) for role in ("admin", "editor", "dispatcher")}
        for name, url, role in staff_pages(site):
            keep(name, lang, clients[role].get(url))
        keep("recovery codes", lang, _recovery_codes_page(app, lang))
    pages = len(customer_pages(site, "de")) + len(account_pages(links)) + len(staff_pages(site))
    assert len(files) == 2 * (pages + 1)
    errors = _validate(files)
    assert errors == [], "\n".join(errors)
