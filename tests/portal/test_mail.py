import socket
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from portal.mail import Attachment, compose, outbox_folder, read_outbox, send

ICS = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Wartung K\xc3\xbcche\r\nEND:VCALENDAR\r\n"
INVITATION = Attachment("termin.ics", "text/calendar; charset=utf-8; method=REQUEST", ICS)
SENDER = "Kundendienst Nordlicht Haustechnik <termine@nordlicht.example>"


class Recorder:
    """An aiosmtpd handler that keeps every envelope and every login it is given."""

    def __init__(self):
        self.envelopes = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)


@pytest.fixture
def app(make_app):
    """A portal that writes to its outbox whatever the environment says, with a known sender."""
    return make_app(MAIL_SERVER="", MAIL_SENDER=SENDER)


def _free_port():
    # Controller needs the port before it starts: it connects to it to know the server is up.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on the loopback address; yields (port, recorder)."""
    recorder = Recorder()
    port = _free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        authenticator=recorder.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield port, recorder
    controller.stop()


def _attachment(message):
    (part,) = message.iter_attachments()
    return part


def test_without_a_server_the_message_is_written_to_the_outbox_whole(app):
    with app.app_context():
        path = send(
            compose(
                "Jürgen Müller <kunde@example.org>",
                "Ihr Termin am Montag – bestätigt",
                "Grüß Gott,\nwir freuen uns auf Sie.\n",
                [INVITATION],
            )
        )
    assert path.parent == outbox_folder(app)
    assert path.suffix == ".eml"
    assert [entry.name for entry in path.parent.iterdir()] == [path.name]

    (message,) = read_outbox(outbox_folder(app))
    assert message["From"] == SENDER
    assert message["To"] == "Jürgen Müller <kunde@example.org>"
    assert message["Subject"] == "Ihr Termin am Montag – bestätigt"
    assert message["Message-ID"].endswith("@nordlicht.example>")
    assert message["Date"].datetime.utcoffset() is not None
    assert message.get_body(("plain",)).get_content() == "Grüß Gott,\nwir freuen uns auf Sie.\n"
    attachment = _attachment(message)
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "termin.ics"
    assert attachment.get_payload(decode=True) == ICS


def test_written_message_is_seven_bit_so_any_relay_passes_umlauts(app):
    with app.app_context():
        raw = send(compose("kunde@example.org", "Bestätigung", "Größe: 1 Öltank\n")).read_bytes()
    assert raw.isascii()
    assert BytesParser(policy=policy.default).parsebytes(raw)["Subject"] == "Bestätigung"


def test_outbox_returns_messages_in_sending_order(app):
    subjects = [f"Nachricht {number}" for number in range(12)]
    with app.app_context():
        for subject in subjects:
            send(compose("kunde@example.org", subject, "Text"))
    assert [message["Subject"] for message in read_outbox(outbox_folder(app))] == subjects
    assert all(path.suffix == ".eml" for path in outbox_folder(app).iterdir())


def test_outbox_that_was_never_written_is_empty(app):
    assert read_outbox(outbox_folder(app)) == []


def test_with_a_server_the_message_goes_over_smtp_and_not_to_the_outbox(make_app, smtp_server):
    port, recorder = smtp_server
    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        MAIL_USERNAME="",
        MAIL_SENDER=SENDER,
    )
    with app.app_context():
        result = send(
            compose("kunde@example.org", "Terminbestätigung für Küche", "Grüße\n", [INVITATION])
        )
    assert result is None
    assert not outbox_folder(app).exists()
    assert recorder.logins == []
    (envelope,) = recorder.envelopes
    assert envelope.mail_from == "termine@nordlicht.example"
    assert envelope.rcpt_tos == ["kunde@example.org"]
    message = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
    assert message["Subject"] == "Terminbestätigung für Küche"
    # On the wire every line ends in CRLF; base64 keeps the attachment's bytes exact.
    assert message.get_body(("plain",)).get_content() == "Grüße\r\n"
    assert _attachment(message).get_param("method") == "REQUEST"
    assert _attachment(message).get_payload(decode=True) == ICS


def test_smtp_logs_in_with_the_configured_account(make_app, smtp_server):
    port, recorder = smtp_server
    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        MAIL_USERNAME="portal",
        MAIL_PASSWORD="geheim",
    )
    with app.app_context():
        send(compose("kunde@example.org", "Test", "Text"))
    assert recorder.logins == [(b"portal", b"geheim")]
    assert len(recorder.envelopes) == 1
