"""An admin invites a colleague by e-mail, name and role; the colleague chooses the password
through a signed link that expires and works once, built on the configured base URL."""

from datetime import timedelta

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import AccountToken, Role, user_by_email, utcnow
from tests.helpers.staff import PASSWORD, login
from tests.portal.account_helpers import link_in, mails_to, path_of, user_id

BASE_URL = "https://portal.nordlicht.example"
NEW = "neu@portal.example"
CHOSEN = "Kaffee Tasse Fahrrad Deich"


def _invite(client, email=NEW, role="dispatcher", headers=None):
    return client.post(
        "/staff/users/new",
        data={"email": email, "name": "Nina Neu", "role": role},
        headers=headers or {},
    )


def _accept(client, link, password=CHOSEN, confirm=None):
    return client.post(path_of(link), data={"password": password, "confirm": confirm or password})


def test_admin_invites_without_typing_a_password_and_the_colleague_chooses_one(make_app, staff):
    app = make_app(PORTAL_BASE_URL=BASE_URL)
    admin = app.test_client()
    login(admin, staff["admin"])
    form = admin.get("/staff/users/new").text
    assert 'name="password"' not in form
    answer = _invite(admin, "Neu@Portal.example")
    assert answer.status_code == 302
    with app.app_context():
        user = user_by_email(NEW)
        assert user.role is Role.DISPATCHER and user.invitation_pending
    (message,) = mails_to(app, NEW)
    link = link_in(message)
    assert link.startswith(f"{BASE_URL}/staff/invitation/")
    assert "72" in message.get_body(("plain",)).get_content()

    colleague = app.test_client()
    page = colleague.get(path_of(link))
    assert page.status_code == 200 and NEW in page.text
    assert "Mindestens 12 Zeichen" in page.text  # the rule, before anything is typed
    assert _accept(colleague, link).status_code == 302
    assert login(colleague, NEW, CHOSEN).status_code == 302
    assert colleague.get("/staff/termine/").status_code == 200


def test_invitation_link_is_on_the_base_url_whatever_host_the_request_named(make_app, staff):
    app = make_app(PORTAL_BASE_URL=BASE_URL)
    admin = app.test_client()
    host = {"Host": "127.0.0.1:5000"}
    admin.post("/staff/login", data={"email": staff["admin"], "password": PASSWORD}, headers=host)
    assert _invite(admin, headers=host).status_code == 302
    (message,) = mails_to(app, NEW)
    text = message.get_body(("plain",)).get_content()
    assert f"{BASE_URL}/staff/invitation/" in text
    assert "127.0.0.1" not in text and "localhost" not in text


def test_invitation_link_works_once(app, staff, admin_client):
    _invite(admin_client)
    link = link_in(mails_to(app, NEW)[0])
    colleague = app.test_client()
    assert _accept(colleague, link).status_code == 302
    again = _accept(app.test_client(), link, "Ganz anderes langes Passwort")
    assert again.status_code == 404
    assert "funktioniert nicht mehr" in again.text
    assert login(app.test_client(), NEW, "Ganz anderes langes Passwort").status_code == 200
    assert app.test_client().get(path_of(link)).status_code == 404


def test_invitation_link_expires(make_app, staff):
    app = make_app(INVITATION_HOURS=72)
    admin = app.test_client()
    login(admin, staff["admin"])
    _invite(admin)
    link = link_in(mails_to(app, NEW)[0])
    with app.app_context():
        db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert app.test_client().get(path_of(link)).status_code == 404
    assert _accept(app.test_client(), link).status_code == 404
    with app.app_context():
        assert user_by_email(NEW).invitation_pending


def test_invitation_expiry_defaults_to_72_hours(app, staff, admin_client):
    assert app.config["INVITATION_HOURS"] == 72
    _invite(admin_client)
    with app.app_context():
        token = db.session.scalar(select(AccountToken))
        assert timedelta(hours=71.9) < token.expires_at - token.created_at <= timedelta(hours=72)


def test_a_forged_or_altered_link_is_refused(app, staff, admin_client):
    _invite(admin_client)
    link = link_in(mails_to(app, NEW)[0])
    path = path_of(link)
    altered = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    for bad in (altered, "/staff/invitation/x", "/staff/invitation/" + "A" * 500):
        assert app.test_client().get(bad).status_code == 404
        assert _accept(app.test_client(), bad).status_code == 404


def test_the_database_keeps_only_a_hash_of_the_link(app, staff, admin_client):
    _invite(admin_client)
    link = link_in(mails_to(app, NEW)[0])
    token = path_of(link).rsplit("/", 1)[1]
    with app.app_context():
        (row,) = db.session.scalars(select(AccountToken)).all()
        assert len(row.token_hash) == 64
        assert row.token_hash not in token and token.split(".")[0] not in row.token_hash


def test_an_invited_account_cannot_sign_in_before_choosing_a_password(app, staff, admin_client):
    _invite(admin_client)
    assert login(app.test_client(), NEW, "").status_code == 200
    assert login(app.test_client(), NEW, "irgendein langes Passwort").status_code == 200


def test_sending_the_invitation_again_replaces_the_old_link(app, staff, admin_client):
    _invite(admin_client)
    first = link_in(mails_to(app, NEW)[0])
    new_id = user_id(app, NEW)
    assert "Einladung erneut senden" in admin_client.get(f"/staff/users/{new_id}").text
    assert admin_client.post(f"/staff/users/{new_id}/invitation").status_code == 302
    second = link_in(mails_to(app, NEW)[1])
    assert first != second
    assert _accept(app.test_client(), first).status_code == 404
    assert _accept(app.test_client(), second).status_code == 302


def test_the_chosen_password_must_follow_the_rule(app, staff, admin_client):
    _invite(admin_client)
    link = link_in(mails_to(app, NEW)[0])
    page = _accept(app.test_client(), link, "passwort1234")
    assert page.status_code == 200
    assert "gehört zu den meistbenutzten" in page.text
    page = _accept(app.test_client(), link, CHOSEN, "something else entirely")
    assert "stimmen nicht überein" in page.text
    assert _accept(app.test_client(), link).status_code == 302  # the failed tries used nothing


def test_a_deactivated_invitee_cannot_use_the_link(app, staff, admin_client):
    _invite(admin_client)
    link = link_in(mails_to(app, NEW)[0])
    admin_client.post(f"/staff/users/{user_id(app, NEW)}", data={"name": "N", "role": "editor"})
    assert _accept(app.test_client(), link).status_code == 404
