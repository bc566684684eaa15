"""Which arrival windows can still be booked, and by which technicians.

Standard library only: the web app, the staff views and the benchmark feed it plain data, so the
rules can be tested and timed without a database, and listing and booking cannot disagree.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Window:
    """A promised arrival range ("Ankunft zwischen 08:00 und 10:00") in local wall-clock time,
    so it stays 08:00 for the customer on both sides of a daylight-saving change."""

    start: time
    end: time


DEFAULT_WINDOWS = (
    Window(time(8), time(10)),
    Window(time(10), time(12)),
    Window(time(13), time(15)),
    Window(time(15), time(17)),
)


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


@dataclass(frozen=True)
class Rules:
    """The booking policy in one object, so the list a customer sees and the check at booking
    time use the same zone, windows, notice and horizon."""

    timezone: ZoneInfo
    windows: tuple[Window, ...] = DEFAULT_WINDOWS
    min_notice: timedelta = timedelta(hours=24)
    horizon_days: int = 60

    def __post_init__(self) -> None:
        """Adjacent indexes count as consecutive working time, which only holds for a non-empty,
        ordered list of windows that do not overlap."""
        if not self.windows:
            raise ValueError("at least one window is needed")
        previous_end = time.min
        for window in self.windows:
            if window.start >= window.end:
                raise ValueError(f"window {window} ends before it starts")
            if window.start < previous_end:
                raise ValueError(f"window {window} overlaps or precedes the one before it")
            previous_end = window.end


@dataclass
class TechnicianPlan:
    """What the engine needs to know about one technician, loaded once per request by the caller
    so the engine itself never touches the database."""

    id: int
    name: str
    hours: dict[int, list[tuple[time, time]]]
    absences: list[tuple[datetime, datetime]] = field(default_factory=list)
    occupied: set[tuple[date, int]] = field(default_factory=set)
    load: dict[date, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Slot:
    """One bookable start: the arrival window the customer is promised, how long the technician
    is tied up, and who can go (best first, so the caller can take the first without sorting)."""

    day: date
    window: int
    count: int
    start: datetime
    end: datetime
    busy_until: datetime
    technicians: tuple[int, ...]


def windows_needed(total_minutes: int, rules: Rules) -> int:
    """Jobs are planned in whole windows; even a zero-minute visit needs its arrival window."""
    first = rules.windows[0]
    window_seconds = _seconds(first.end) - _seconds(first.start)
    return max(1, -(-total_minutes * 60 // window_seconds))


def window_times(day: date, index: int, rules: Rules) -> tuple[datetime, datetime]:
    """Bind the wall-clock window to the zone on that very day, so each day gets its own UTC
    offset around the daylight-saving changes."""
    if not 0 <= index < len(rules.windows):
        raise IndexError(f"there is no window {index}")
    window = rules.windows[index]
    return (
        datetime.combine(day, window.start, tzinfo=rules.timezone),
        datetime.combine(day, window.end, tzinfo=rules.timezone),
    )


def _fitting(hours: dict[int, list[tuple[time, time]]], rules: Rules) -> dict[int, frozenset[int]]:
    """Per weekday, the windows that lie fully inside one working interval; computed once per
    technician because hours repeat every week."""
    return {
        weekday: frozenset(
            index
            for index, window in enumerate(rules.windows)
            if any(start <= window.start and window.end <= end for start, end in intervals)
        )
        for weekday, intervals in hours.items()
    }


def _absent(
    absences: list[tuple[datetime, datetime]],
    utc_bounds: dict[date, list[tuple[datetime, datetime]]],
    rules: Rules,
    first: date,
    last: date,
) -> dict[date, set[int]]:
    """Index absences by local day once, so checking a window is a set lookup rather than a scan
    over every absence; long absences are clipped to the days asked for."""
    blocked: dict[date, set[int]] = defaultdict(set)
    for starts_at, ends_at in absences:
        start_utc, end_utc = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
        day = max(starts_at.astimezone(rules.timezone).date(), first)
        until = min(ends_at.astimezone(rules.timezone).date(), last)
        while day <= until:
            for index, (window_start, window_end) in enumerate(utc_bounds.get(day, ())):
                if window_start < end_utc and start_utc < window_end:
                    blocked[day].add(index)
            day += timedelta(days=1)
    return blocked


def free_slots(
    total_minutes: int,
    technicians: list[TechnicianPlan],
    holidays: set[date] | frozenset[date],
    rules: Rules,
    first_day: date,
    last_day: date,
    now: datetime,
) -> list[Slot]:
    """Everything a customer may choose from, sorted by day and window; the range is clipped to
    today and the horizon so a crafted request cannot reach the past or the far future."""
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware; a naive time would be read as server time")
    count = windows_needed(total_minutes, rules)
    today = now.astimezone(rules.timezone).date()
    first = max(first_day, today)
    last = min(last_day, today + timedelta(days=rules.horizon_days))
    if count > len(rules.windows) or first > last:
        return []
    # Notice is elapsed time: adding it to a local time would be off by an hour across DST.
    earliest = now.astimezone(UTC) + rules.min_notice

    calendar = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    days = [day for day in calendar if day not in holidays]
    local_bounds = {
        day: [window_times(day, index, rules) for index in range(len(rules.windows))]
        for day in days
    }
    utc_bounds = {
        day: [(start.astimezone(UTC), end.astimezone(UTC)) for start, end in bounds]
        for day, bounds in local_bounds.items()
    }
    plans = [
        (
            technician,
            _fitting(technician.hours, rules),
            _absent(technician.absences, utc_bounds, rules, first, last),
        )
        for technician in technicians
    ]
    starts = range(len(rules.windows) - count + 1)

    slots = []
    for day in days:
        weekday = day.weekday()
        usable = []
        for technician, fitting, absent in plans:
            blocked = absent.get(day, ())
            free = {
                index
                for index in fitting.get(weekday, ())
                if index not in blocked and (day, index) not in technician.occupied
            }
            if free:
                usable.append((technician, free))
        # Sorted once per day, so every slot's list comes out best first.
        usable.sort(key=lambda pair: (pair[0].load.get(day, 0), pair[0].name, pair[0].id))
        for start in starts:
            if utc_bounds[day][start][0] < earliest:
                continue
            takers = tuple(
                technician.id
                for technician, free in usable
                if all(start + step in free for step in range(count))
            )
            if not takers:
                continue
            arrival_start, arrival_end = local_bounds[day][start]
            slots.append(
                Slot(
                    day=day,
                    window=start,
                    count=count,
                    start=arrival_start,
                    end=arrival_end,
                    busy_until=local_bounds[day][start + count - 1][1],
                    technicians=takers,
                )
            )
    return slots


def slot_for(
    total_minutes: int,
    technicians: list[TechnicianPlan],
    holidays: set[date] | frozenset[date],
    rules: Rules,
    day: date,
    window: int,
    now: datetime,
) -> Slot | None:
    """Re-check the one window a customer chose with exactly the rules that listed it, since it
    may have been taken or fallen below the notice period in the meantime."""
    if not 0 <= window < len(rules.windows):
        return None
    slots = free_slots(total_minutes, technicians, holidays, rules, day, day, now)
    return next((slot for slot in slots if slot.window == window), None)
