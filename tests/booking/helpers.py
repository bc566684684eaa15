"""Booking test data: a service type and technicians who work every day of the week."""

from datetime import date, time, timedelta

from booking import scheduling
from booking.models import ServiceKind, ServiceType, Technician, WorkingHours
from portal.extensions import db

EVERY_DAY = range(7)
SHIFTS = ((time(8), time(12)), (time(13), time(17)))


def add_service(name="Reparatur Waschmaschine", minutes=90, needs_description=True) -> int:
    service = ServiceType(
        name_de=name,
        name_en="Washing machine repair",
        kind=ServiceKind.REPAIR,
        duration_minutes=minutes,
        buffer_before_minutes=15,
        buffer_after_minutes=15,
        needs_description=needs_description,
    )
    db.session.add(service)
    db.session.commit()
    return service.id


def add_technician(name, service_id, prefixes="20", weekdays=EVERY_DAY, shifts=SHIFTS) -> int:
    technician = Technician(
        name=name,
        postcode_prefixes=prefixes,
        services=[db.session.get(ServiceType, service_id)],
        hours=[
            WorkingHours(weekday=day, starts=start, ends=end)
            for day in weekdays
            for start, end in shifts
        ],
    )
    db.session.add(technician)
    db.session.commit()
    return technician.id


def in_days(days: int) -> date:
    """A day ``days`` ahead in Berlin, safely beyond the 24 hours' notice when days >= 2."""
    return scheduling.local_today() + timedelta(days=days)


CUSTOMER = {
    "name": "Erika Mustermann",
    "email": "erika@example.org",
    "phone": "040 1234567",
    "street": "Hauptstraße 1",
    "city": "Hamburg",
    "consent": "y",
}


def form_data(service_id: int, day: date, window: int = 0, **changes) -> dict:
    """Everything the four steps send when the customer books ``window`` on ``day``."""
    data = {
        "step": "4",
        "service": str(service_id),
        "postcode": "20095",
        "device_type": "Waschmaschine",
        "brand": "Bosch",
        "model": "Serie 6",
        "problem": "Die Tür klemmt, Anzeige E18.",
        "slot": f"{day.isoformat()}/{window}",
        **CUSTOMER,
    }
    data.update(changes)
    return data
