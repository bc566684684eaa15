"""The e-mail that tells the company about a new callback request."""

import smtplib

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from booking.callbacks.forms import part_of_day_labels
from booking.callbacks.models import CallbackRequest
from portal import safety
from portal.mail import absolute_url, compose, send

# The office reads German, whatever language the customer wrote in.
STAFF_LANGUAGE = "de"


def _subject(callback: CallbackRequest) -> str:
    """Only what the portal chose goes into the subject, never what the customer typed."""
    with force_locale(STAFF_LANGUAGE):
        subject = _(
            "Callback request no. %(number)d (%(when)s)",
            number=callback.id,
            when=part_of_day_labels()[callback.preferred_time.value],
        )
        if callback.urgency in safety.level_labels():
            label = safety.level_labels()[callback.urgency]
            reason = safety.reason_labels().get(callback.urgency_reason or "", "")
            subject = f"{label}: {reason} – {subject}"
    return subject


def tell_company(callback: CallbackRequest) -> bool:
    """Mail the request to ``COMPANY_EMAIL``; a reply goes to the customer when they gave an
    address. A mail server that fails must not lose the request: it is stored and listed for
    dispatchers already, so the failure is only logged."""
    with force_locale(STAFF_LANGUAGE):
        text = render_template(
            "booking/callbacks/email/new_request.txt",
            callback=callback,
            when=part_of_day_labels()[callback.preferred_time.value],
            reason=safety.reason_labels().get(callback.urgency_reason or ""),
            list_url=absolute_url("callbacks_staff.open_requests"),
        )
    message = compose(current_app.config["COMPANY_EMAIL"], _subject(callback), text)
    if callback.email:
        message["Reply-To"] = callback.email
    try:
        send(message)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("could not send the e-mail for callback %s", callback.id)
        return False
    return True
