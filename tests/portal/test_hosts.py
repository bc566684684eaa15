"""Only the configured hosts are served, and every link in an e-mail is on the base URL."""

import pytest

from portal.mail import outbox_folder, read_outbox
from tests.booking.helpers import add_service, add_technician, form_data, in_days
from tests.helpers.config import GENEROUS_LIMITS


@pytest.mark.parametrize("path", ["/de/", "/de/termin", "/api/search?q=Tür", "/staff/login"])
def test_a_forged_host_is_refused(client, path):
    answer = client.get(path, headers={"Host": "evil.example"})
    assert answer.status_code == 400
    assert "evil.example" not in answer.text


def test_the_configured_hosts_are_served(client):
    for host in ("localhost", "127.0.0.1:5000"):
        assert client.get("/de/", headers={"Host": host}).status_code == 200


def test_links_in_e_mails_are_on_the_base_url_whatever_host_was_asked(make_app):
    app = make_app(**GENEROUS_LIMITS, PORTAL_BASE_URL="https://portal.nordlicht.example")
    with app.app_context():
        service = add_service()
        add_technician("Jens Albers", service)
    answer = app.test_client().post(
        "/de/termin/buchen", data=form_data(service, in_days(3)), headers={"Host": "localhost"}
    )
    assert answer.status_code == 303
    [message] = read_outbox(outbox_folder(app))
    text = message.get_body(("plain",)).get_content()
    [calendar] = [part.get_content() for part in message.iter_attachments()]
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert "https://portal.nordlicht.example/de/termin/verwalten/" in text
    assert "localhost" not in text and "localhost" not in calendar.replace("\r\n ", "")
