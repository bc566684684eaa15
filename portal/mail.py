"""Outgoing e-mail for the whole portal.

With ``MAIL_SERVER`` set, messages go out over SMTP. Without it they are written, whole, as
``.eml`` files to the outbox folder (``MAIL_OUTBOX``, by default ``<instance>/outbox/``; with
several nodes, a folder they share) instead of failing: ``make run`` then works offline, a
developer opens what a customer would have received in any mail program, and tests read back the
real message, byte for byte as it would have been sent, rather than a mock's record of a call.
"""

import os
import smtplib
import ssl
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import make_msgid, parseaddr
from pathlib import Path
from secrets import token_hex
from urllib.parse import urlsplit

from flask import Flask, current_app

SMTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Attachment:
    """A file to attach; ``content_type`` may carry parameters, such as an invitation's method.

    Give text types a ``charset`` too (``text/calendar; charset=utf-8; method=REQUEST``): the
    data is attached as bytes, and without one some mail programs misread umlauts.
    """

    filename: str
    content_type: str
    data: bytes


def absolute_url(endpoint: str, **values) -> str:
    """A link for an e-mail, always on ``PORTAL_BASE_URL``: never on the Host a request
    claimed, which anyone can forge to put another domain into a message we send."""
    base = urlsplit(current_app.config["PORTAL_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def compose(
    to: str, subject: str, text: str, attachments: Sequence[Attachment] = ()
) -> EmailMessage:
    """Build a message from the portal's sender, ready for :func:`send`."""
    sender = current_app.config["MAIL_SENDER"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = datetime.now(UTC)
    # make_msgid would otherwise ask the resolver for this host's name, which is slow and leaks it.
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2])
    # Quoted-printable keeps the body 7-bit, so umlauts survive relays without 8BITMIME.
    message.set_content(text, cte="quoted-printable")
    for attachment in attachments:
        content_type = policy.default.header_factory("Content-Type", attachment.content_type)
        message.add_attachment(
            attachment.data,
            maintype=content_type.maintype,
            subtype=content_type.subtype,
            filename=attachment.filename,
            params=dict(content_type.params),
        )
    return message


def outbox_folder(app: Flask) -> Path:
    """Return the folder where ``app`` keeps the messages it did not send over SMTP."""
    return Path(app.config["MAIL_OUTBOX"])


def send(message: EmailMessage) -> Path | None:
    """Send ``message`` over SMTP, or write it to the outbox and return its path there."""
    config = current_app.config
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT_SECONDS
        ) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return None
    return _write_to_outbox(message, outbox_folder(current_app))


def _write_to_outbox(message: EmailMessage, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    # The time makes names sort in sending order; the random part keeps two processes apart.
    target = folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{token_hex(4)}.eml"
    # Written under a name read_outbox ignores, then renamed: a reader never sees half a message.
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(message.as_bytes())
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
    return target


def read_outbox(folder: Path) -> list[EmailMessage]:
    """Parse every message in ``folder``, oldest first; an absent folder holds none."""
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]
