"""Availability benchmark: what listing the free windows of a busy team costs.

Builds a team (Mon-Fri 08-12 and 13-17, every third technician with a week of vacation and a
two-hour block), places appointments at random into free windows over the next 60 days (their
windows occupied, each technician's daily load counted), then times ``free_slots`` over the whole
horizon for a 60-minute and a 150-minute job and prints p50/p95 and the slots found.

Ten technicians have about 1,700 working windows in 60 days, so 2,000 one- or two-window
appointments cannot all fit: the ones that find no free place are counted and left out, and the
default also runs 1,000 appointments, a calendar with free windows left. The range starts on
1 March 2027 so that it crosses the change to summer time and holds the Easter holidays.

    .venv/bin/python bench/availability.py --appointments 1000,2000 --repeat 50
"""

import argparse
import random
import statistics
import sys
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


if __name__ == "__main__":
    main()
