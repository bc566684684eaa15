"""Optional two-factor sign-in (TOTP) for staff, with recovery codes, and required for
administrators when PORTAL_ADMIN_2FA_REQUIRED is set."""

from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import select, update

from portal import sessions, two_factor
from portal.extensions import db
from portal.models import AuditEntry, RecoveryCode, User, user_by_email
from tests.helpers.staff import PASSWORD, login
from tests.portal.account_helpers import (
    account,
    code_for,
    enable_two_factor,
    key_on_setup_page,
    sign_in_with_code,
)

SETUP = "/staff/account/two-factor"


def _set_up(client):
    """Open the setup page, confirm with the right code; return (secret, recovery codes page)."""
    page = client.get(SETUP)
    assert page.status_code == 200
    secret = key_on_setup_page(page.text)
    answer = client.post(SETUP, data={"code": pyotp.TOTP(secret).now()})
    assert answer.status_code == 200
    return secret, answer


def test_setup_shows_an_inline_svg_qr_code_and_the_key_without_script(app, staff, editor_client):
    page = editor_client.get(SETUP)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.text
    assert "<svg" in html and "<title>QR-Code für Ihre Authenticator-App</title>" in html
    assert "<script" not in html.split("<main", 1)[1] and "<img" not in html
    assert " style=" not in html  # the Content-Security-Policy allows no inline styles
    secret = account(app, staff["editor"]).totp_pending_secret
    assert two_factor.grouped(secret) in html


def test_setup_needs_a_right_code_then_shows_ten_recovery_codes_once(app, staff, editor_client):
    editor_client.get(SETUP)
    wrong = editor_client.post(SETUP, data={"code": "000000"})
    assert "Dieser Code ist nicht gültig" in wrong.text
    assert not account(app, staff["editor"]).two_factor_enabled
    secret, answer = _set_up(editor_client)
    assert answer.headers["Cache-Control"] == "no-store"
    codes = [
        line.split("<code>")[1].split("</code>")[0]
        for line in answer.text.splitlines()
        if "<li><code>" in line
    ]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert account(app, staff["editor"]).totp_secret == secret
    with app.app_context():
        stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not any(code.replace("-", "") in hashed for code in codes for hashed in stored)
    # Shown once: the setup page now leads to the account page, which shows no codes.
    assert editor_client.get(SETUP).status_code == 302
    assert codes[0] not in editor_client.get("/staff/account/").text


def test_sign_in_asks_for_the_code_after_the_password(app, staff):
    secret = enable_two_factor(app, staff["editor"])
    client = app.test_client()
    answer = login(client, staff["editor"])
    assert answer.status_code == 200 and 'name="code"' in answer.text
    assert client.get("/staff/").status_code == 302  # not signed in yet
    assert client.post("/staff/login/code", data={"code": "123456"}).status_code == 200
    assert client.get("/staff/").status_code == 302
    answer = client.post("/staff/login/code", data={"code": code_for(secret)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_a_code_is_accepted_only_once(app, staff):
    secret = enable_two_factor(app, staff["editor"])
    code = code_for(secret)
    first = app.test_client()
    login(first, staff["editor"])
    assert first.post("/staff/login/code", data={"code": code}).status_code == 302
    second = app.test_client()
    login(second, staff["editor"])
    again = second.post("/staff/login/code", data={"code": code})
    assert again.status_code == 200 and "Dieser Code ist nicht gültig" in again.text


def test_codes_of_the_neighbouring_steps_count_and_older_ones_do_not(app_ctx):
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    now = datetime(2026, 12, 2, 12, 0, 15, tzinfo=UTC)
    step = totp.timecode(now)
    for seconds, expected in ((-30, step - 1), (0, step), (30, step + 1)):
        code = totp.at(now + timedelta(seconds=seconds))
        assert two_factor.matching_step(secret, code, now) == expected
    assert two_factor.matching_step(secret, totp.at(now - timedelta(seconds=90)), now) is None
    assert two_factor.matching_step(secret, "12345", now) is None
    assert two_factor.matching_step(secret, "１２３４５６", now) is None


def test_a_recovery_code_signs_in_once(app, staff, editor_client):
    _, answer = _set_up(editor_client)
    code = answer.text.split("<li><code>")[1].split("</code>")[0]
    editor_client.post("/staff/logout")
    client = app.test_client()
    login(client, staff["editor"])
    assert client.post("/staff/login/code", data={"code": code.upper()}).status_code == 302
    other = app.test_client()
    login(other, staff["editor"])
    assert other.post("/staff/login/code", data={"code": code}).status_code == 200
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "two_factor.recovery_code_used" in actions


def test_code_attempts_are_rate_limited(make_app, staff):
    app = make_app(TWO_FACTOR_RATE_LIMIT="3 per minute")
    enable_two_factor(app, staff["editor"])
    client = app.test_client()
    login(client, staff["editor"])
    codes = [
        client.post("/staff/login/code", data={"code": "000000"}).status_code for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_code_attempts_are_rate_limited_per_account_across_addresses(make_app, staff):
    app = make_app(TWO_FACTOR_RATE_LIMIT="3 per minute")
    enable_two_factor(app, staff["editor"])
    codes = []
    for n in range(4):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"
        login(client, staff["editor"])
        codes.append(client.post("/staff/login/code", data={"code": "000000"}).status_code)
    assert codes == [200, 200, 200, 429]


def test_the_password_step_expires_after_five_minutes(app, staff, monkeypatch):
    secret = enable_two_factor(app, staff["editor"])
    client = app.test_client()
    login(client, staff["editor"])
    start = sessions.now()
    monkeypatch.setattr(sessions, "now", lambda: start + 301)
    answer = client.post("/staff/login/code", data={"code": code_for(secret)})
    assert answer.status_code == 200 and "Diese Anmeldung ist abgelaufen" in answer.text
    assert client.get("/staff/").status_code == 302


def test_the_code_page_without_a_password_step_sends_to_the_sign_in(client):
    page = client.get("/staff/login/code")
    assert page.status_code == 200 and 'href="/staff/login"' in page.text
    assert 'name="code"' not in page.text


def test_switching_off_needs_the_password(app, staff):
    secret = enable_two_factor(app, staff["editor"])
    client = app.test_client()
    sign_in_with_code(client, staff["editor"], secret)
    wrong = client.post("/staff/account/two-factor/off", data={"password": "falsch falsch falsch"})
    assert "Das Passwort ist falsch." in wrong.text
    assert account(app, staff["editor"]).two_factor_enabled
    assert (
        client.post("/staff/account/two-factor/off", data={"password": PASSWORD}).status_code == 302
    )
    user = account(app, staff["editor"])
    assert not user.two_factor_enabled
    assert login(app.test_client(), staff["editor"]).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(RecoveryCode)).all() == []


def test_an_admin_can_switch_it_off_for_someone_locked_out(app, staff, admin_client):
    enable_two_factor(app, staff["editor"])
    with app.app_context():
        editor_id = user_by_email(staff["editor"]).id
    assert "Zwei-Faktor-Anmeldung ausschalten" in admin_client.get(f"/staff/users/{editor_id}").text
    admin_client.post(f"/staff/users/{editor_id}/two-factor/off")
    assert not account(app, staff["editor"]).two_factor_enabled


def test_admins_without_two_factor_are_sent_to_the_setup_when_it_is_required(make_app, staff):
    app = make_app(ADMIN_2FA_REQUIRED=True)
    admin = app.test_client()
    answer = login(admin, staff["admin"])
    assert answer.status_code == 302 and answer.headers["Location"] == SETUP
    for path in ("/staff/", "/staff/users/", "/staff/audit/"):
        moved = admin.get(path)
        assert moved.status_code == 302 and moved.headers["Location"] == SETUP, path
    _set_up(admin)
    assert admin.get("/staff/users/").status_code == 200
    # Other roles are not asked.
    editor = app.test_client()
    assert login(editor, staff["editor"]).headers["Location"] == "/staff/"
    assert editor.get("/staff/").status_code == 200


def test_admins_cannot_switch_it_off_while_it_is_required(make_app, staff):
    app = make_app(ADMIN_2FA_REQUIRED=True)
    secret = enable_two_factor(app, staff["admin"])
    admin = app.test_client()
    sign_in_with_code(admin, staff["admin"], secret)
    page = admin.post("/staff/account/two-factor/off", data={"password": PASSWORD})
    assert page.status_code == 200
    assert account(app, staff["admin"]).two_factor_enabled


def test_two_factor_is_optional_for_admins_by_default(app, staff):
    assert app.config["ADMIN_2FA_REQUIRED"] is False
    assert login(app.test_client(), staff["admin"]).headers["Location"] == "/staff/"


def test_switching_on_ends_the_other_sessions(app, staff, editor_client):
    elsewhere = app.test_client()
    login(elsewhere, staff["editor"])
    _set_up(editor_client)
    assert editor_client.get("/staff/").status_code == 200
    assert elsewhere.get("/staff/").status_code == 302


def test_a_code_sent_twice_at_once_signs_in_only_once(app, staff):
    """Two sign-ins with the same code: the second read the account before the first stored
    the code's step, and still must not get in."""
    with app.app_context():
        user = user_by_email(staff["editor"])
        secret = two_factor.new_secret()
        two_factor.enable(user, secret, 0)
        db.session.commit()
        code = pyotp.TOTP(secret).now()
        step = two_factor.matching_step(secret, code)
        user = user_by_email(staff["editor"])  # read by the second sign-in
        assert user.totp_last_step == 0
        with db.engine.begin() as first:  # the first sign-in stores the step and commits
            first.execute(update(User).where(User.id == user.id).values(totp_last_step=step))
        assert not two_factor.accept_code(user, code)
        db.session.rollback()


def test_the_key_being_set_up_waits_on_the_server_not_in_the_cookie(app, staff, editor_client):
    page = editor_client.get(SETUP)
    secret = key_on_setup_page(page.text)
    with editor_client.session_transaction() as stored:
        assert secret not in str(dict(stored))
    assert account(app, staff["editor"]).totp_pending_secret == secret
    assert key_on_setup_page(editor_client.get(SETUP).text) == secret  # the same until used
    editor_client.post(SETUP, data={"code": pyotp.TOTP(secret).now()})
    confirmed = account(app, staff["editor"])
    assert (confirmed.totp_secret, confirmed.totp_pending_secret) == (secret, None)
