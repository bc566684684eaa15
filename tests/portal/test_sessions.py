"""Sessions and "stay signed in" cookies end when they should: signing out, "sign out
everywhere", a password changed (own or by an admin), deactivation, idle time, age."""

from portal import sessions
from portal.extensions import db
from portal.models import user_by_email
from tests.helpers.pages import csrf_token
from tests.helpers.staff import PASSWORD, login
from tests.portal.account_helpers import (
    client_with_cookie,
    code_for,
    enable_two_factor,
    remember_cookie,
    user_id,
)

NEW_PASSWORD = "Zwei Kaffee und ein Fahrrad"
OTHER_PASSWORD = "Drei Tassen Tee am Deich"


def _signed_in(app, email, remember=False):
    client = app.test_client()
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/staff/login", data=data).status_code == 302
    return client


def _copy_of_session(client, app):
    """A second browser holding a copy of the first one's session cookie."""
    return client_with_cookie(app, "session", client.get_cookie("session").value)


def test_session_cookie_copied_before_logout_no_longer_opens_the_staff_area(app, staff):
    client = _signed_in(app, staff["editor"])
    copy = _copy_of_session(client, app)
    assert copy.get("/staff/").status_code == 200
    client.post("/staff/logout")
    answer = copy.get("/staff/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/staff/login")


def test_remember_cookie_issued_before_two_password_changes_no_longer_signs_in(
    app, staff, admin_client
):
    editor = _signed_in(app, staff["editor"], remember=True)
    cookie = remember_cookie(editor)
    assert client_with_cookie(app, "remember_token", cookie).get("/staff/").status_code == 200
    editor_id = user_id(app, staff["editor"])
    for password in (NEW_PASSWORD, OTHER_PASSWORD):
        answer = admin_client.post(
            f"/staff/users/{editor_id}",
            data={"name": "Ed", "role": "editor", "active": "y", "password": password},
        )
        assert answer.status_code == 302
    assert client_with_cookie(app, "remember_token", cookie).get("/staff/").status_code == 302
    assert editor.get("/staff/").status_code == 302


def test_own_password_change_keeps_this_session_and_ends_every_other(app, staff):
    here = _signed_in(app, staff["editor"], remember=True)
    elsewhere = _signed_in(app, staff["editor"], remember=True)
    old_cookie = remember_cookie(elsewhere)
    answer = here.post(
        "/staff/account/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert answer.status_code == 302
    assert here.get("/staff/").status_code == 200
    assert (
        client_with_cookie(app, "remember_token", remember_cookie(here)).get("/staff/").status_code
        == 200
    )
    assert elsewhere.get("/staff/").status_code == 302
    assert client_with_cookie(app, "remember_token", old_cookie).get("/staff/").status_code == 302
    assert login(app.test_client(), staff["editor"], NEW_PASSWORD).status_code == 302


def test_own_password_change_needs_the_current_password(app, staff):
    client = _signed_in(app, staff["editor"])
    page = client.post(
        "/staff/account/password",
        data={
            "current_password": "wrong one!!!",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    ).text
    assert "Das bisherige Passwort ist falsch." in page
    assert login(app.test_client(), staff["editor"]).status_code == 302


def test_deactivation_ends_the_sessions_for_good_even_after_reactivation(app, staff, admin_client):
    editor = _signed_in(app, staff["editor"], remember=True)
    cookie = remember_cookie(editor)
    editor_id = user_id(app, staff["editor"])
    admin_client.post(f"/staff/users/{editor_id}", data={"name": "Ed", "role": "editor"})
    assert editor.get("/staff/").status_code == 302
    admin_client.post(
        f"/staff/users/{editor_id}", data={"name": "Ed", "role": "editor", "active": "y"}
    )
    assert editor.get("/staff/").status_code == 302
    assert client_with_cookie(app, "remember_token", cookie).get("/staff/").status_code == 302
    assert _signed_in(app, staff["editor"]).get("/staff/").status_code == 200


def test_a_session_of_an_account_deactivated_directly_in_the_database_ends_too(app, staff):
    editor = _signed_in(app, staff["editor"])
    with app.app_context():
        user_by_email(staff["editor"]).active = False
        db.session.commit()
    assert editor.get("/staff/").status_code == 302


def test_sign_out_everywhere_ends_every_session_and_remember_cookie(app, staff):
    laptop = _signed_in(app, staff["dispatcher"], remember=True)
    phone = _signed_in(app, staff["dispatcher"], remember=True)
    cookies = [remember_cookie(laptop), remember_cookie(phone)]
    page = laptop.get("/staff/account/").text
    assert "Überall abmelden" in page
    answer = laptop.post("/staff/account/sign-out-everywhere")
    assert answer.status_code == 302 and answer.headers["Location"] == "/staff/login"
    assert laptop.get("/staff/").status_code == 302
    assert phone.get("/staff/").status_code == 302
    for cookie in cookies:
        assert client_with_cookie(app, "remember_token", cookie).get("/staff/").status_code == 302
    assert _signed_in(app, staff["dispatcher"]).get("/staff/").status_code == 200


def test_sign_out_everywhere_needs_the_csrf_token(make_app, staff):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client.get("/staff/login").text)
    client.post(
        "/staff/login", data={"email": staff["editor"], "password": PASSWORD, "csrf_token": token}
    )
    assert client.post("/staff/account/sign-out-everywhere").status_code == 400
    assert client.get("/staff/").status_code == 200


def test_idle_session_expires_after_the_configured_minutes(make_app, staff):
    app = make_app(STAFF_IDLE_MINUTES=30)
    client = _signed_in(app, staff["editor"])
    with client.session_transaction() as stored:
        stored[sessions.SEEN] -= 29 * 60
    assert client.get("/staff/").status_code == 200  # and that use counts as activity
    with client.session_transaction() as stored:
        stored[sessions.SEEN] -= 31 * 60
    answer = client.get("/staff/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/staff/login")


def test_idle_expiry_defaults_to_an_hour(app, staff):
    assert app.config["STAFF_IDLE_MINUTES"] == 60
    client = _signed_in(app, staff["editor"])
    with client.session_transaction() as stored:
        stored[sessions.SEEN] -= 61 * 60
    assert client.get("/staff/").status_code == 302


def test_after_idle_expiry_stay_signed_in_starts_a_new_session(app, staff):
    client = _signed_in(app, staff["editor"], remember=True)
    with client.session_transaction() as stored:
        stored[sessions.SEEN] -= 2 * 3600
    assert client.get("/staff/").status_code == 200


def test_remember_cookie_ends_after_the_configured_days(make_app, staff, monkeypatch):
    app = make_app(REMEMBER_DAYS=14)
    cookie = remember_cookie(_signed_in(app, staff["editor"], remember=True))
    start = sessions.now()
    monkeypatch.setattr(sessions, "now", lambda: start + 13 * 86400)
    assert client_with_cookie(app, "remember_token", cookie).get("/staff/").status_code == 200
    monkeypatch.setattr(sessions, "now", lambda: start + 15 * 86400)
    assert client_with_cookie(app, "remember_token", cookie).get("/staff/").status_code == 302


def test_remember_cookie_lives_as_long_as_the_setting_in_the_browser(make_app, staff):
    app = make_app(REMEMBER_DAYS=7)
    client = app.test_client()
    answer = client.post(
        "/staff/login", data={"email": staff["editor"], "password": PASSWORD, "remember": "y"}
    )
    header = next(h for h in answer.headers.getlist("Set-Cookie") if h.startswith("remember_"))
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert client.get_cookie("remember_token").expires is not None
    lifetime = client.get_cookie("remember_token").expires.timestamp() - sessions.now()
    assert 6.9 * 86400 < lifetime <= 7 * 86400


def test_a_session_naming_only_the_account_id_is_refused(app, staff):
    """The id alone, as sessions carried it before: forging or keeping one is not enough."""
    client = app.test_client()
    with client.session_transaction() as stored:
        stored["_user_id"] = str(user_id(app, staff["admin"]))
        stored["_fresh"] = True
        stored[sessions.SEEN] = int(sessions.now())
    assert client.get("/staff/").status_code == 302


def test_an_admin_changing_their_own_password_stays_signed_in_only_here(app, staff):
    here = _signed_in(app, staff["admin"])
    elsewhere = _signed_in(app, staff["admin"])
    admin_id = user_id(app, staff["admin"])
    answer = here.post(
        f"/staff/users/{admin_id}",
        data={"name": "Admin", "role": "admin", "active": "y", "password": NEW_PASSWORD},
    )
    assert answer.status_code == 302
    assert here.get("/staff/users/").status_code == 200
    assert elsewhere.get("/staff/").status_code == 302


def test_a_password_change_during_the_code_step_ends_the_waiting_sign_in(app, staff):
    secret = enable_two_factor(app, staff["editor"])
    waiting = app.test_client()
    assert 'name="code"' in login(waiting, staff["editor"]).text
    with app.app_context():
        user = user_by_email(staff["editor"])
        user.set_password(NEW_PASSWORD)
        sessions.end_all(user)
        db.session.commit()
    answer = waiting.post("/staff/login/code", data={"code": code_for(secret)})
    assert answer.status_code == 200 and 'name="code"' not in answer.text
    assert waiting.get("/staff/").status_code == 302
