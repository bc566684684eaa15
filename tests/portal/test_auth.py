from portal.extensions import db
from portal.models import User, user_by_email
from tests.helpers.pages import csrf_token
from tests.helpers.staff import PASSWORD, login


def test_staff_member_signs_in_and_lands_in_staff_area(client, staff):
    response = login(client, staff["editor"])
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert "Mitarbeiterbereich" in client.get("/staff/").get_data(as_text=True)


def test_unknown_email_and_wrong_password_get_the_same_message(client, staff):
    unknown = login(client, "nobody@portal.example").get_data(as_text=True)
    wrong = login(client, staff["editor"], "wrong password!!").get_data(as_text=True)
    message = "E-Mail-Adresse oder Passwort ist falsch."
    assert message in unknown and message in wrong
    assert client.get("/staff/").status_code == 302


def test_login_keeps_the_typed_email(client, staff):
    page = login(client, staff["editor"], "wrong password!!").get_data(as_text=True)
    assert f'value="{staff["editor"]}"' in page


def test_email_is_matched_case_insensitively(client, staff):
    assert login(client, staff["editor"].upper()).status_code == 302


def test_deactivated_account_cannot_sign_in(app, client, staff):
    with app.app_context():
        user_by_email(staff["editor"]).active = False
        db.session.commit()
    assert login(client, staff["editor"]).status_code == 200
    assert client.get("/staff/").status_code == 302


def test_passwords_are_stored_hashed(app, staff):
    """With the configured method (scrypt in production: tests/portal/test_passwords.py)."""
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == staff["admin"]))
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith("pbkdf2:sha256:1$")


def test_login_redirects_only_to_local_next(client, staff):
    response = client.post(
        "/staff/login?next=https://evil.example/",
        data={"email": staff["editor"], "password": PASSWORD},
    )
    assert response.headers["Location"] == "/staff/"
    client.post("/staff/logout")
    response = client.post(
        "/staff/login?next=/staff/articles/", data={"email": staff["editor"], "password": PASSWORD}
    )
    assert response.headers["Location"] == "/staff/articles/"


def test_logout_ends_the_session(editor_client):
    assert editor_client.get("/staff/").status_code == 200
    editor_client.post("/staff/logout")
    assert editor_client.get("/staff/").status_code == 302


def test_login_attempts_are_rate_limited_per_address(make_app):
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [
        login(client, f"x{i}@portal.example", "wrong password!!").status_code for i in range(5)
    ]
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]
    assert "Zu viele Versuche" in login(client, "y@portal.example").get_data(as_text=True)


def test_login_attempts_are_rate_limited_per_account(make_app, staff):
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    codes = [
        login(app.test_client(), "target@portal.example", "wrong password!!").status_code
        for _ in range(4)
    ]
    assert codes[-1] == 429


def _from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_strangers_guessing_a_password_do_not_lock_its_owner_out(make_app):
    """The per-account limit counts only browsers that never signed in to the account."""
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        from portal.models import Role, create_user

        create_user("owner@portal.example", "Owner", Role.EDITOR, PASSWORD)
        db.session.commit()
    owner = _from(app, "198.51.100.7")
    assert login(owner, "owner@portal.example").status_code == 302
    owner.post("/staff/logout")
    attacks = [
        login(_from(app, f"203.0.113.{n}"), "owner@portal.example", "guess guess guess")
        for n in range(1, 6)
    ]
    assert [answer.status_code for answer in attacks][-1] == 429
    assert login(owner, "owner@portal.example").status_code == 302
    stranger = _from(app, "192.0.2.99")  # right password, but a browser new to the account
    assert login(stranger, "owner@portal.example").status_code == 429


def test_a_forged_device_cookie_is_a_stranger(make_app):
    app = make_app(LOGIN_RATE_LIMIT="1 per minute")
    for n in range(1, 3):
        client = _from(app, f"203.0.113.{n}")
        client.set_cookie("staff_device", "WyJhYmMiXQ.forged.signature", path="/staff")
        answer = login(client, "owner@portal.example", "guess guess guess")
    assert answer.status_code == 429


def test_login_form_requires_csrf_token(make_app, staff):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/staff/login", data={"email": "a@b.c", "password": "x"}).status_code == 400
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    with app.app_context():
        from portal.models import Role, create_user

        create_user("csrf@portal.example", "C", Role.EDITOR, PASSWORD)
        db.session.commit()
    response = client.post(
        "/staff/login",
        data={"email": "csrf@portal.example", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, staff):
    response = login(client, staff["editor"])
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_behind_https(monkeypatch, make_app, staff):
    monkeypatch.setenv("PORTAL_HTTPS", "1")
    client = make_app().test_client()
    response = login(client, staff["editor"])
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in cookie
