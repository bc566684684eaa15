"""Availability benchmark: what listing the free windows of a busy team costs.

Builds a team (Mon-Fri 08-12 and 13-17, every third technician with a week of vacation and a
two-hour block), places appointments at random into free windows over the next 60 days (their
windows occupied, each technician's daily load counted), then times ``free_slots`` over the whole
horizon for a 60-minute and a 150-minute job and prints p50/p95 and the slots found.

Ten technicians have about 1,700 working windows in 60 days, so 2,000 one- or two-window
appointments cannot all fit: the ones that find no free place are counted and left out, and the
default also runs 1,000 appointments, a calendar with free windows left. The range starts on
1 March 2027 so that it crosses the change to summer time and holds the Easter holidays.

It then does the same through the portal, as a request does: 2,000 appointments in a throwaway
database (SQLite, or ``DATABASE_URL``), half of them in the last 60 days and half in the next,
loaded with hours, absences and holidays by ``booking.scheduling.free_slots`` on every call.

    .venv/bin/python bench/availability.py --appointments 1000,2000 --repeat 50
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from booking.availability import Rules, TechnicianPlan, free_slots, window_times, windows_needed

RULES = Rules(timezone=ZoneInfo("Europe/Berlin"))
NOW = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)
TODAY = NOW.astimezone(RULES.timezone).date()
LAST = TODAY + timedelta(days=RULES.horizon_days)
HOURS = {weekday: [(clock(8), clock(12)), (clock(13), clock(17))] for weekday in range(5)}
HOLIDAYS = frozenset({date(2027, 3, 26), date(2027, 3, 29)})  # Good Friday, Easter Monday
JOBS = (60, 150)


def _team(size: int, rng: random.Random) -> list[TechnicianPlan]:
    team = []
    for number in range(size):
        technician = TechnicianPlan(id=number + 1, name=f"Technician {number:02d}", hours=HOURS)
        if number % 3 == 0:
            first = TODAY + timedelta(days=rng.randrange(RULES.horizon_days - 7))
            vacation = datetime.combine(first, clock.min, tzinfo=RULES.timezone)
            block = datetime.combine(first - timedelta(days=2), clock(10), tzinfo=RULES.timezone)
            technician.absences = [
                (vacation, vacation + timedelta(days=7)),
                (block.astimezone(UTC), block.astimezone(UTC) + timedelta(hours=2)),
            ]
        team.append(technician)
    return team


def _bookable(technician: TechnicianPlan, day: date, windows: range) -> bool:
    if day in HOLIDAYS or day.weekday() not in technician.hours:
        return False
    for index in windows:
        if (day, index) in technician.occupied:
            return False
        start, end = window_times(day, index, RULES)
        if any(begin < end and start < until for begin, until in technician.absences):
            return False
    return True


def _book(team: list[TechnicianPlan], appointments: int, rng: random.Random) -> int:
    """Random one- or two-window jobs into free windows; returns how many found a place."""
    placed = 0
    window_total = len(RULES.windows)
    for _ in range(appointments):
        count = 2 if rng.random() < 0.3 else 1
        for _attempt in range(200):
            technician = rng.choice(team)
            day = TODAY + timedelta(days=rng.randrange(RULES.horizon_days + 1))
            first = rng.randrange(window_total - count + 1)
            windows = range(first, first + count)
            if _bookable(technician, day, windows):
                technician.occupied.update((day, index) for index in windows)
                technician.load[day] = technician.load.get(day, 0) + 1
                placed += 1
                break
    return placed


def _time(total_minutes: int, team: list[TechnicianPlan], repeat: int) -> tuple[list[float], str]:
    slots = free_slots(total_minutes, team, HOLIDAYS, RULES, TODAY, LAST, NOW)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        free_slots(total_minutes, team, HOLIDAYS, RULES, TODAY, LAST, NOW)
        timings.append((time.perf_counter() - started) * 1000)
    offers = sum(len(slot.technicians) for slot in slots)
    return timings, f"{len(slots)} slots ({offers} technician offers)"


def _database_run(technicians: int, appointments: int, repeat: int, rng: random.Random) -> None:
    """Time ``scheduling.free_slots`` against a real database holding the appointments."""
    from flask_migrate import upgrade

    from booking import scheduling
    from booking.models import Appointment, OccupiedWindow, Status
    from portal import create_app
    from portal.extensions import db
    from tests.booking.helpers import add_service, add_technician

    folder = Path(tempfile.mkdtemp(prefix="bench-availability-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"INSTANCE_PATH": folder, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        service_id = add_service(minutes=60)
        team = [add_technician(f"Technician {n:02d}", service_id) for n in range(technicians)]
        today = scheduling.local_today()
        taken: set[tuple[int, date, int]] = set()
        while len(taken) < appointments:
            key = (
                rng.choice(team),
                today + timedelta(days=rng.randrange(-60, 60)),
                rng.randrange(4),
            )
            if key in taken:
                continue
            taken.add(key)
            technician_id, day, window = key
            start, end = window_times(day, window, scheduling.rules())
            appointment = Appointment(
                reference=f"B{len(taken):07d}",
                uid=f"bench-{len(taken)}",
                service_type_id=service_id,
                technician_id=technician_id,
                status=Status.CONFIRMED,
                day=day,
                first_window=window,
                window_count=1,
                starts_at=start,
                ends_at=end,
                customer_name="Bench",
                email="b@x.example",
                phone="040 1234567",
                street="Weg 1",
                postcode="20095",
                city="Hamburg",
                manage_token_hash=f"{len(taken):064d}",
            )
            db.session.add(appointment)
            db.session.add(
                OccupiedWindow(
                    appointment=appointment, technician_id=technician_id, day=day, window=window
                )
            )
        db.session.commit()
        db.session.expunge_all()
        service = db.session.get(scheduling.ServiceType, service_id)
        last = today + timedelta(days=60)
        scheduling.free_slots(service, "20095", today, last)  # the process's first call loads data
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            slots = scheduling.free_slots(service, "20095", today, last)
            timings.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(timings, n=20)[18]
    print(
        f"{url.split(':')[0]}: {technicians} technicians, "
        f"{appointments} appointments in the database, 60 days through scheduling.free_slots: "
        f"p50 {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, {len(slots)} slots"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--technicians", type=int, default=10)
    parser.add_argument("--appointments", default="1000,2000", help="comma-separated counts")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    for appointments in (int(value) for value in args.appointments.split(",")):
        rng = random.Random(args.seed)
        team = _team(args.technicians, rng)
        placed = _book(team, appointments, rng)
        occupied = sum(len(technician.occupied) for technician in team)
        print(
            f"{args.technicians} technicians, {placed} of {appointments} appointments placed "
            f"({occupied} windows occupied), {TODAY} to {LAST}, {args.repeat} runs"
        )
        for total_minutes in JOBS:
            timings, found = _time(total_minutes, team, args.repeat)
            p95 = statistics.quantiles(timings, n=20)[18]
            count = windows_needed(total_minutes, RULES)
            print(
                f"  {total_minutes:>3} min job ({count} window{'s' if count > 1 else ''}): "
                f"p50 {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, {found}"
            )
    _database_run(args.technicians, 2000, args.repeat, random.Random(args.seed))


if __name__ == "__main__":
    main()
