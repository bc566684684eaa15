"""Helpers for the staff-account tests: mail read back from the outbox, links, two-factor."""

import re
from urllib.parse import urlsplit

import pyotp

from portal import two_factor
from portal.extensions import db
from portal.mail import outbox_folder, read_outbox
from portal.models import User, user_by_email
from tests.helpers.staff import PASSWORD, login

LINK = re.compile(r"https?://\S+")


def mails_to(app, address: str) -> list:
    return [m for m in read_outbox(outbox_folder(app)) if m["To"] == address]


def link_in(message) -> str:
    """The one link in a message's plain text."""
    (link,) = LINK.findall(message.get_body(("plain",)).get_content())
    return link


def path_of(link: str) -> str:
    return urlsplit(link).path


def user_id(app, email: str) -> int:
    with app.app_context():
        return user_by_email(email).id


def remember_cookie(client) -> str:
    cookie = client.get_cookie("remember_token")
    assert cookie is not None, "no remember cookie was set"
    return cookie.value


def client_with_cookie(app, name: str, value: str):
    client = app.test_client()
    client.set_cookie(name, value)
    return client


def enable_two_factor(app, email: str) -> str:
    """Switch two-factor sign-in on for ``email`` directly; return the secret."""
    secret = pyotp.random_base32()
    with app.app_context():
        user = user_by_email(email)
        two_factor.enable(user, secret, 0)
        db.session.commit()
    return secret


def code_for(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def sign_in_with_code(client, email: str, secret: str, password: str = PASSWORD):
    answer = login(client, email, password)
    assert answer.status_code == 200 and 'name="code"' in answer.text
    return client.post("/staff/login/code", data={"code": code_for(secret)})


def account(app, email: str) -> User:
    """A detached copy of the account's current row, for reading columns after a request."""
    with app.app_context():
        user = user_by_email(email)
        db.session.expunge(user)
        return user


def key_on_setup_page(html: str) -> str:
    """The two-factor key the setup page shows for typing in, as an app would store it."""
    return re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html)[1].replace(" ", "")
