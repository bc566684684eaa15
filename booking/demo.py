"""Demo service types and technicians, so `make run` can book right away."""

from datetime import time

from sqlalchemy import select

from booking.models import ServiceKind, ServiceType, Technician, WorkingHours
from portal.extensions import db

SERVICES = [
    ("Reparatur Waschmaschine", "Washing machine repair", ServiceKind.REPAIR, 90, 15, 15),
    ("Reparatur Geschirrspüler", "Dishwasher repair", ServiceKind.REPAIR, 90, 15, 15),
    ("Reparatur Kühlschrank", "Fridge repair", ServiceKind.REPAIR, 60, 15, 15),
    ("Reparatur Heizung", "Heating repair", ServiceKind.REPAIR, 90, 15, 15),
    ("Heizungswartung", "Boiler maintenance", ServiceKind.MAINTENANCE, 60, 15, 15),
    ("Wartung Wärmepumpe", "Heat pump maintenance", ServiceKind.MAINTENANCE, 120, 15, 15),
]
# name, postcode prefixes, services (indexes into SERVICES), weekdays
TECHNICIANS = [
    ("Jens Albers", "20,21,22", (0, 1, 2), range(5)),
    ("Aylin Demir", "20,22,25", (0, 1, 2, 3), range(5)),
    ("Tobias Hansen", "21,22,23,24", (3, 4, 5), range(5)),
    ("Marta Kowalski", "20,21,22,23", (3, 4, 5), range(6)),
]
SHIFTS = ((time(8), time(12)), (time(13), time(17)))


def has_services() -> bool:
    return db.session.scalar(select(ServiceType.id).limit(1)) is not None


def load_demo_booking() -> tuple[int, int]:
    """Add service types and technicians with Hamburg-area postcodes; returns their counts."""
    services = [
        ServiceType(
            name_de=name_de,
            name_en=name_en,
            kind=kind,
            duration_minutes=duration,
            buffer_before_minutes=before,
            buffer_after_minutes=after,
            needs_description=kind == ServiceKind.REPAIR,
        )
        for name_de, name_en, kind, duration, before, after in SERVICES
    ]
    db.session.add_all(services)
    for name, prefixes, offered, weekdays in TECHNICIANS:
        technician = Technician(
            name=name,
            postcode_prefixes=prefixes,
            services=[services[index] for index in offered],
            hours=[
                WorkingHours(weekday=day, starts=start, ends=end)
                for day in weekdays
                for start, end in SHIFTS
            ],
        )
        db.session.add(technician)
    db.session.commit()
    return len(SERVICES), len(TECHNICIANS)
