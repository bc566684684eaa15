"""E-mails to customers about their appointment, each with a calendar file and the private link."""

import smtplib
from email.utils import parseaddr

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from booking import calendar, scheduling
from booking.models import Appointment, Status
from portal.mail import Attachment, absolute_url, compose, send
from portal.models import utcnow

KINDS = ("booked", "rescheduled", "cancelled", "reminder")


def manage_url(appointment: Appointment) -> str:
    """The private link, absolute, on the configured base URL."""
    token = scheduling.manage_token(appointment)
    return absolute_url("booking.manage", lang=appointment.language, token=token)


def _subject(kind: str, appointment: Appointment) -> str:
    subjects = {
        "booked": _("Your appointment request %(reference)s")
        if appointment.status == Status.REQUESTED
        else _("Your appointment %(reference)s is confirmed"),
        "rescheduled": _("Your appointment %(reference)s was moved"),
        "cancelled": _("Your appointment %(reference)s is cancelled"),
        "reminder": _("Reminder: your appointment %(reference)s tomorrow"),
    }
    return subjects[kind] % {"reference": appointment.reference}


def calendar_event(appointment: Appointment) -> calendar.CalendarEvent:
    service = appointment.service_type.name(appointment.language)
    sender_name, sender_email = parseaddr(current_app.config["MAIL_SENDER"])
    return calendar.CalendarEvent(
        uid=appointment.uid,
        sequence=appointment.sequence,
        start=appointment.starts_at.astimezone(scheduling.TIMEZONE),
        end=appointment.ends_at.astimezone(scheduling.TIMEZONE),
        summary=f"{service} – Nordlicht Haustechnik ({appointment.reference})",
        description=_(
            "Technician visit. Manage your appointment: %(url)s", url=manage_url(appointment)
        ),
        location=f"{appointment.street}, {appointment.postcode} {appointment.city}",
        organizer_email=sender_email or current_app.config["COMPANY_EMAIL"],
        organizer_name=sender_name or "Nordlicht Haustechnik",
        attendee_email=appointment.email,
        attendee_name=appointment.customer_name,
        created=appointment.created_at,
    )


def notify(appointment: Appointment, kind: str) -> bool:
    """Tell the customer, in the language they booked in, with an updated calendar file.

    A mail server that fails must not undo or hide a booking: the failure is logged for
    staff and the caller told. Phone bookings may have no address; then nothing is sent."""
    if not appointment.email:
        return False
    method = "CANCEL" if kind == "cancelled" else "REQUEST"
    with force_locale(appointment.language):
        text = render_template(
            f"booking/email/{kind}.txt",
            appointment=appointment,
            service=appointment.service_type.name(appointment.language),
            arrival=scheduling.arrival_window(appointment),
            manage_url=manage_url(appointment),
        )
        subject = _subject(kind, appointment)
        event = calendar_event(appointment)
    ics = calendar.appointment_ics(event, method, utcnow())
    attachment = Attachment("termin.ics", f"text/calendar; charset=utf-8; method={method}", ics)
    try:
        send(compose(appointment.email, subject, text, [attachment]))
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception(
            "could not send the %s e-mail for %s", kind, appointment.reference
        )
        return False
    return True


def send_due_reminders() -> tuple[int, int]:
    """Remind customers of tomorrow's visits; returns (sent, failed). A reminder the mail server
    refused is given back, so the next run tries again, while another run never sends it twice."""
    sent = failed = 0
    for appointment in scheduling.due_reminders():
        if not scheduling.claim_reminder(appointment) or not appointment.email:
            continue
        if notify(appointment, "reminder"):
            sent += 1
        else:
            scheduling.release_reminder(appointment)
            failed += 1
    return sent, failed
