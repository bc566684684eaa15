"""One password rule, stated on every form that sets a password, with German messages."""

import pytest

from portal import create_app, passwords
from portal.models import Role, User
from tests.helpers.staff import PASSWORD, login
from tests.portal.account_helpers import link_in, mails_to, path_of, user_id

RULE = "Mindestens 12 Zeichen; nicht Ihre E-Mail-Adresse und kein weit verbreitetes Passwort."


@pytest.mark.parametrize(
    ("password", "email", "accepted"),
    [
        ("correct horse battery staple", "ed@portal.example", True),
        ("Kaffee Tasse Fahrrad", "", True),
        ("482915736204", "", True),
        ("elf Zeichen", "", False),
        ("x" * 1025, "", False),
        ("ed.mustermann@portal.example", "ed.mustermann@portal.example", False),
        ("ED.MUSTERMANN!2024", "ed.mustermann@portal.example", False),
        ("Passwort1234", "", False),
        ("passwort2024!", "", False),
        ("Password123!", "", False),
        ("qwertzuiop123", "", False),
        ("123456789012", "", False),
        ("abcdefghijklmn", "", False),
        ("hallohallohallo", "", False),
        ("ababababababab", "", False),
        ("Sommer2024Sommer2024", "", False),
        ("nordlicht2026!", "", False),
    ],
)
def test_the_rule(app_ctx, password, email, accepted):
    assert (passwords.problem(password, email) is None) is accepted


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kurz", "Das Passwort muss mindestens 12 Zeichen lang sein."),
        ("x" * 1025, "Das Passwort darf höchstens 1024 Zeichen lang sein."),
        ("editor@portal.example1", "Das Passwort darf Ihre E-Mail-Adresse nicht enthalten."),
        ("aaaaaaaaaaaaaaa", "Das Passwort besteht aus zu wenigen verschiedenen Zeichen."),
        (
            "Passwort2024!",
            "Dieses Passwort gehört zu den meistbenutzten und ist leicht zu erraten.",
        ),
    ],
)
def test_an_admin_setting_a_weak_password_gets_a_german_reason(
    app, staff, admin_client, password, message
):
    editor_id = user_id(app, staff["editor"])
    page = admin_client.post(
        f"/staff/users/{editor_id}",
        data={"name": "Ed", "role": "editor", "active": "y", "password": password},
    )
    assert page.status_code == 200
    assert message in page.text
    assert login(app.test_client(), staff["editor"]).status_code == 302  # unchanged


def test_the_own_password_change_gets_the_same_reasons(app, staff, editor_client):
    page = editor_client.post(
        "/staff/account/password",
        data={
            "current_password": "correct horse battery staple",
            "password": "Passwort2024!",
            "confirm": "Passwort2024!",
        },
    ).text
    assert "gehört zu den meistbenutzten" in page


def test_every_form_that_sets_a_password_states_the_rule_first(app, staff, admin_client):
    editor_id = user_id(app, staff["editor"])
    admin_client.post(
        "/staff/users/new", data={"email": "neu@portal.example", "name": "N", "role": "editor"}
    )
    invitation = path_of(link_in(mails_to(app, "neu@portal.example")[0]))
    app.test_client().post("/staff/password/forgot", data={"email": staff["editor"]})
    reset = path_of(link_in(mails_to(app, staff["editor"])[0]))
    pages = {
        "own change": admin_client.get("/staff/account/password").text,
        "admin sets": admin_client.get(f"/staff/users/{editor_id}").text,
        "invitation": app.test_client().get(invitation).text,
        "reset": app.test_client().get(reset).text,
    }
    for name, page in pages.items():
        assert RULE in page, name
        # The hint is tied to the field, so a screen reader reads it with the label.
        assert 'aria-describedby="password-hint"' in page, name


def test_the_invitation_e_mail_states_the_rule(app, staff, admin_client):
    admin_client.post(
        "/staff/users/new", data={"email": "neu@portal.example", "name": "N", "role": "editor"}
    )
    text = mails_to(app, "neu@portal.example")[0].get_body(("plain",)).get_content()
    assert "mindestens 12 Zeichen" in text


def test_the_command_line_follows_the_rule_too(app):
    runner = app.test_cli_runner()
    args = ["users", "create", "chef@portal.example", "--password"]
    refused = runner.invoke(args=[*args, "Passwort2024!"])
    assert refused.exit_code != 0 and "widely used" in refused.output
    assert runner.invoke(args=[*args, "a long enough password"]).exit_code == 0


def test_production_hashes_passwords_with_scrypt(tmp_path):
    """The tests' cheap hash is the tests' own: a portal as configured hashes with scrypt."""
    app = create_app({"INSTANCE_PATH": tmp_path, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        user = User(email="a@portal.example", name="A", role=Role.EDITOR)
        user.set_password(PASSWORD)
        assert user.password_hash.startswith("scrypt:32768:8:1$")
        assert user.check_password(PASSWORD)
