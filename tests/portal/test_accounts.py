from portal.extensions import db
from portal.models import Role, user_by_email
from tests.helpers.staff import login
from tests.portal.account_helpers import link_in, mails_to, path_of


def test_admin_creates_an_account_that_can_sign_in(app, admin_client):
    response = admin_client.post(
        "/staff/users/new",
        data={"email": "New@Portal.example", "name": "Neu", "role": "dispatcher"},
    )
    assert response.status_code == 302
    with app.app_context():
        user = user_by_email("new@portal.example")
        assert user.role is Role.DISPATCHER
    link = link_in(mails_to(app, "new@portal.example")[0])
    app.test_client().post(
        path_of(link),
        data={"password": "a long enough password", "confirm": "a long enough password"},
    )
    admin_client.post("/staff/logout")
    assert login(admin_client, "new@portal.example", "a long enough password").status_code == 302


def test_short_password_is_refused_and_the_form_keeps_the_input(app, admin_client, staff):
    with app.app_context():
        editor_id = user_by_email(staff["editor"]).id
    page = admin_client.post(
        f"/staff/users/{editor_id}",
        data={"name": "Kurz", "role": "editor", "active": "y", "password": "short"},
    ).get_data(as_text=True)
    assert 'value="Kurz"' in page
    assert "12" in page  # the minimum length is named


def test_invitation_form_keeps_the_input_when_refused(admin_client, staff):
    page = admin_client.post(
        "/staff/users/new", data={"email": "not an address", "name": "Kurz", "role": "editor"}
    ).get_data(as_text=True)
    assert 'value="not an address"' in page
    assert 'value="Kurz"' in page


def test_duplicate_email_is_refused(admin_client, staff):
    page = admin_client.post(
        "/staff/users/new",
        data={"email": staff["editor"], "name": "X", "role": "editor"},
    ).get_data(as_text=True)
    assert "gibt es bereits ein Konto" in page


def test_admin_changes_role_and_deactivates(app, admin_client, staff):
    with app.app_context():
        editor_id = user_by_email(staff["editor"]).id
    admin_client.post(
        f"/staff/users/{editor_id}", data={"name": "Ed", "role": "dispatcher", "active": ""}
    )
    with app.app_context():
        user = user_by_email(staff["editor"])
        assert user.role is Role.DISPATCHER and not user.active


def test_admin_cannot_demote_themselves(app, admin_client, staff):
    with app.app_context():
        admin_id = user_by_email(staff["admin"]).id
    page = admin_client.post(
        f"/staff/users/{admin_id}", data={"name": "A", "role": "editor", "active": "y"}
    ).get_data(as_text=True)
    assert "Administratorrechte" in page
    with app.app_context():
        assert user_by_email(staff["admin"]).role is Role.ADMIN
        db.session.remove()
