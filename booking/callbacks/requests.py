"""The rules of callback requests: what a valid one is, when we call, taking one in, closing it
once, and forgetting closed ones after a while."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import phonenumbers
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from booking import scheduling
from booking.callbacks.models import CallbackRequest, CallbackStatus, PartOfDay
from portal import audit, safety
from portal.extensions import db
from portal.models import User, utcnow
from search import triage

TOPIC_MAX = 1000
CLOSED_SHOWN = 100
SEARCH_DAYS = 14
# Where a part of the day begins and ends, local time.
PARTS = {
    PartOfDay.MORNING: (time(0), time(12)),
    PartOfDay.AFTERNOON: (time(12), time.max),
    PartOfDay.ANY: (time(0), time.max),
}
audit.describe("callback.closed", _l("Callback request marked as done"))


class NotOpen(Exception):
    """The request was closed already, maybe a moment ago by someone else."""


@dataclass(frozen=True)
class Request:
    """What the customer sent, already checked by the form."""

    name: str
    phone: str
    topic: str
    preferred_time: PartOfDay
    email: str = ""


def e164(phone: str) -> str | None:
    """The number as dialled from abroad (German numbers may omit +49), or None if invalid."""
    try:
        number = phonenumbers.parse(phone, "DE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def assess(topic: str, language: str, now: datetime | None = None) -> triage.Triage:
    """The triage of what the customer wants to talk about."""
    return triage.classify(topic[:TOPIC_MAX], language, *safety.season(now))


def callback_day(
    hours: safety.Hours, today: date, holidays: frozenset[date], part: PartOfDay
) -> date | None:
    """The first day after ``today`` on which the service hotline is staffed during ``part``
    of the day (public holidays follow Sunday's hours), or None if it never is."""
    first, last = PARTS[part]
    for offset in range(1, SEARCH_DAYS + 1):
        day = today + timedelta(days=offset)
        if hours.always:
            return day
        weekday = 6 if day in holidays else day.weekday()
        if any(opens < last and closes > first for opens, closes in hours.weekly.get(weekday, ())):
            return day
    return None


def next_callback_day(part: PartOfDay, now: datetime | None = None) -> date | None:
    """When we call back a request sent ``now``, from the configured service hours."""
    today = scheduling.local_today(now)
    hours = safety.parse_hours(current_app.config["SERVICE_HOURS"])
    closed = scheduling.holidays_between(today, today + timedelta(days=SEARCH_DAYS))
    return callback_day(hours, today, frozenset(closed), part)


def take(request: Request, language: str, now: datetime | None = None) -> CallbackRequest:
    """Store a request that is no emergency (the caller checked), with its triage."""
    verdict = assess(request.topic, language, now)
    callback = CallbackRequest(
        name=request.name.strip()[:120],
        phone=request.phone.strip()[:40],
        phone_e164=e164(request.phone) or "",
        email=request.email.strip()[:254],
        topic=request.topic.strip()[:TOPIC_MAX],
        preferred_time=request.preferred_time,
        language=language,
        urgency=verdict.level,
        urgency_reason=verdict.reason,
        created_at=now or utcnow(),
    )
    db.session.add(callback)
    db.session.commit()
    return callback


def open_requests() -> list[CallbackRequest]:
    """Requests still to be called, newest first: all of them, as each is someone waiting."""
    return list(
        db.session.scalars(
            select(CallbackRequest)
            .where(CallbackRequest.status == CallbackStatus.OPEN)
            .order_by(CallbackRequest.created_at.desc(), CallbackRequest.id.desc())
        )
    )


def closed_requests() -> list[CallbackRequest]:
    """The most recently closed requests, newest closing first."""
    return list(
        db.session.scalars(
            select(CallbackRequest)
            .options(joinedload(CallbackRequest.closed_by))
            .where(CallbackRequest.status == CallbackStatus.DONE)
            .order_by(CallbackRequest.closed_at.desc(), CallbackRequest.id.desc())
            .limit(CLOSED_SHOWN)
        )
    )


def target(callback_id: int) -> str:
    """How the audit log names a request: its number, never the customer."""
    return f"#{callback_id}"


def close(callback_id: int, user: User, note: str = "", now: datetime | None = None) -> None:
    """Mark an open request as done, with an audit entry in the same transaction.

    The update only matches while the request is open, so of two dispatchers closing it at
    the same moment exactly one changes a row and writes the entry; the other gets
    :class:`NotOpen`. No read comes first, so SQLite's writer sees the newest state.

    :raises LookupError: there is no such request.
    """
    note = note.strip()[:500]
    changed = db.session.execute(
        update(CallbackRequest)
        .where(CallbackRequest.id == callback_id, CallbackRequest.status == CallbackStatus.OPEN)
        .values(
            status=CallbackStatus.DONE,
            closed_at=now or utcnow(),
            closed_by_id=user.id,
            note=note,
        )
    ).rowcount
    if changed != 1:
        db.session.rollback()
        if db.session.get(CallbackRequest, callback_id) is None:
            raise LookupError(callback_id)
        raise NotOpen(callback_id)
    audit.record(user, "callback.closed", target(callback_id), note)
    db.session.commit()


def purge(now: datetime | None = None) -> int:
    """Delete requests closed more than ``CALLBACK_KEEP_DAYS`` ago: names and numbers are
    kept only as long as someone may still need them."""
    limit = (now or utcnow()) - timedelta(days=current_app.config["CALLBACK_KEEP_DAYS"])
    removed = db.session.execute(
        delete(CallbackRequest).where(
            CallbackRequest.status == CallbackStatus.DONE, CallbackRequest.closed_at < limit
        )
    ).rowcount
    db.session.commit()
    return removed
