""" "Passwort vergessen?": the same answer for every address, rate-limited, a signed link that
expires and works once, and using it ends the account's other sessions."""

import re
from datetime import timedelta

from sqlalchemy import select, update

from portal.extensions import db
from portal.mail import outbox_folder, read_outbox
from portal.models import AccountToken, utcnow
from tests.helpers.staff import PASSWORD, login
from tests.portal.account_helpers import (
    client_with_cookie,
    link_in,
    mails_to,
    path_of,
    remember_cookie,
    user_id,
)

BASE_URL = "https://portal.nordlicht.example"
CHOSEN = "Kaffee Tasse Fahrrad Deich"


def _ask(client, email, address="127.0.0.1"):
    return client.post(
        "/staff/password/forgot",
        data={"email": email},
        environ_base={"REMOTE_ADDR": address},
        follow_redirects=True,
    )


def _reset(client, link, password=CHOSEN):
    return client.post(path_of(link), data={"password": password, "confirm": password})


def _without_tokens(html: str) -> str:
    return re.sub(r'(name="csrf[-_]token"[^>]*(?:value|content))="[^"]*"', r"\1", html)


def test_the_login_page_offers_forgot_password(client):
    page = client.get("/staff/login").text
    assert "Passwort vergessen?" in page and 'href="/staff/password/forgot"' in page


def test_known_and_unknown_addresses_get_the_same_answer(app, staff):
    known = _ask(app.test_client(), staff["editor"])
    unknown = _ask(app.test_client(), "niemand@portal.example")
    assert known.status_code == unknown.status_code == 200
    assert "Falls es ein Mitarbeiterkonto mit dieser Adresse gibt" in known.text
    assert _without_tokens(known.text) == _without_tokens(unknown.text)
    assert len(mails_to(app, staff["editor"])) == 1
    assert len(read_outbox(outbox_folder(app))) == 1


def test_a_deactivated_account_gets_no_link(app, staff, admin_client):
    editor_id = user_id(app, staff["editor"])
    admin_client.post(f"/staff/users/{editor_id}", data={"name": "Ed", "role": "editor"})
    assert "Falls es ein Mitarbeiterkonto" in _ask(app.test_client(), staff["editor"]).text
    assert mails_to(app, staff["editor"]) == []


def test_reset_link_is_on_the_base_url_not_the_host_asked(make_app, staff):
    app = make_app(PORTAL_BASE_URL=BASE_URL)
    app.test_client().post(
        "/staff/password/forgot", data={"email": staff["editor"]}, headers={"Host": "localhost"}
    )
    link = link_in(mails_to(app, staff["editor"])[0])
    assert link.startswith(f"{BASE_URL}/staff/password/reset/")


def test_reset_sets_the_password_and_the_link_works_once(app, staff):
    _ask(app.test_client(), staff["editor"])
    link = link_in(mails_to(app, staff["editor"])[0])
    page = app.test_client().get(path_of(link))
    assert page.status_code == 200 and "Mindestens 12 Zeichen" in page.text
    assert _reset(app.test_client(), link).status_code == 302
    assert login(app.test_client(), staff["editor"], CHOSEN).status_code == 302
    assert login(app.test_client(), staff["editor"]).status_code == 200  # the old one is gone
    again = _reset(app.test_client(), link, "Noch ein ganz neues Passwort")
    assert again.status_code == 404
    assert (
        login(app.test_client(), staff["editor"], "Noch ein ganz neues Passwort").status_code == 200
    )


def test_reset_link_expires_after_an_hour_by_default(app, staff):
    assert app.config["PASSWORD_RESET_MINUTES"] == 60
    _ask(app.test_client(), staff["editor"])
    link = link_in(mails_to(app, staff["editor"])[0])
    with app.app_context():
        token = db.session.scalar(select(AccountToken))
        assert token.expires_at - token.created_at == timedelta(minutes=60)
        db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert app.test_client().get(path_of(link)).status_code == 404
    assert _reset(app.test_client(), link).status_code == 404
    assert login(app.test_client(), staff["editor"]).status_code == 302


def test_a_newer_link_replaces_the_older(app, staff):
    _ask(app.test_client(), staff["editor"])
    _ask(app.test_client(), staff["editor"])
    first, second = (link_in(m) for m in mails_to(app, staff["editor"]))
    assert _reset(app.test_client(), first).status_code == 404
    assert _reset(app.test_client(), second).status_code == 302


def test_a_reset_link_is_no_invitation_link(app, staff):
    _ask(app.test_client(), staff["editor"])
    token = path_of(link_in(mails_to(app, staff["editor"])[0])).rsplit("/", 1)[1]
    assert app.test_client().get(f"/staff/invitation/{token}").status_code == 404


def test_using_the_link_ends_every_other_session_of_the_account(app, staff):
    elsewhere = app.test_client()
    elsewhere.post(
        "/staff/login", data={"email": staff["editor"], "password": PASSWORD, "remember": "y"}
    )
    cookie = remember_cookie(elsewhere)
    assert elsewhere.get("/staff/").status_code == 200
    _ask(app.test_client(), staff["editor"])
    assert _reset(app.test_client(), link_in(mails_to(app, staff["editor"])[0])).status_code == 302
    assert elsewhere.get("/staff/").status_code == 302
    assert client_with_cookie(app, "remember_token", cookie).get("/staff/").status_code == 302


def test_the_new_password_must_follow_the_rule(app, staff):
    _ask(app.test_client(), staff["editor"])
    link = link_in(mails_to(app, staff["editor"])[0])
    page = _reset(app.test_client(), link, "editor@portal.example!")
    assert page.status_code == 200
    assert "darf Ihre E-Mail-Adresse nicht enthalten" in page.text
    page = _reset(app.test_client(), link, "kurz")
    assert "mindestens 12 Zeichen lang" in page.text


def test_requests_are_rate_limited_per_address(make_app, staff):
    app = make_app(PASSWORD_RESET_RATE_LIMIT="3 per minute")
    codes = [_ask(app.test_client(), f"x{n}@portal.example").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]


def test_requests_are_rate_limited_per_account(make_app, staff):
    app = make_app(PASSWORD_RESET_RATE_LIMIT="3 per minute")
    codes = [
        _ask(app.test_client(), staff["editor"], address=f"10.0.0.{n}").status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert len(mails_to(app, staff["editor"])) == 3


def _tokens(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AccountToken)).all())


def test_known_and_unknown_addresses_get_the_same_answer_before_anything_is_looked_up(app, staff):
    """Whether the address is known decides only what happens after the answer is sent, so
    the two take the same time: no token and no mail exist when the answer is complete."""
    answers = {}
    for email in ("nobody@portal.example", staff["editor"]):
        answer = app.test_client().post(
            "/staff/password/forgot", data={"email": email}, buffered=False
        )
        assert _tokens(app) == 0 and mails_to(app, staff["editor"]) == []
        answers[email] = (answer.status_code, answer.headers["Location"], answer.get_data())
        answer.close()
    assert answers[staff["editor"]] == answers["nobody@portal.example"]
    assert _tokens(app) == 1 and len(mails_to(app, staff["editor"])) == 1
