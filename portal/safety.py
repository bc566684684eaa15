"""What to do now, and whom to call, when a customer's words say danger.

Every feature that triages text (``search.triage``) answers an emergency the same way: with
the steps of this module and the numbers of the configuration. The company's own lines are
staffed at set hours; a line that is not staffed right now is said to be so, with the time it
opens again, and the other numbers come first. A business-hours hotline is never called an
emergency service.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays as public_holidays
from flask import Flask, current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _

from portal.models import utcnow

EMERGENCY, URGENT = "emergency", "urgent"
# A routine text that speaks of a danger only to deny it: the emergency's guidance, asked.
POSSIBLE = "possible"
ALWAYS = "24/7"
DAYS = {
    "mo": 0, "mon": 0, "di": 1, "tu": 1, "tue": 1, "mi": 2, "we": 2, "wed": 2, "do": 3, "th": 3,
    "thu": 3, "fr": 4, "fri": 4, "sa": 5, "sat": 5, "so": 6, "su": 6, "sun": 6,
}  # fmt: skip
_PART = re.compile(
    r"^\s*(?P<first>[a-z]{2,3})\s*(?:[-–]\s*(?P<last>[a-z]{2,3}))?\s+"
    r"(?P<opens>\d{1,2}:\d{2})\s*[-–]\s*(?P<closes>\d{1,2}:\d{2})\s*$"
)
SEARCH_DAYS = 8


class HoursError(ValueError):
    """Opening hours that cannot be read; the message says which part."""


@dataclass(frozen=True)
class Hours:
    """When a phone line is staffed, in local time; public holidays follow Sunday's hours."""

    weekly: dict[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    always: bool = False

    def staffed(self, moment: datetime, holidays: frozenset[date] = frozenset()) -> bool:
        if self.always:
            return True
        weekday = 6 if moment.date() in holidays else moment.weekday()
        now = moment.time()
        return any(opens <= now < closes for opens, closes in self.weekly.get(weekday, ()))

    def next_opening(
        self, moment: datetime, holidays: frozenset[date] = frozenset()
    ) -> datetime | None:
        """The next time the line opens after ``moment`` (aware, local), or None if never."""
        for offset in range(SEARCH_DAYS):
            day = moment.date() + timedelta(days=offset)
            weekday = 6 if day in holidays else day.weekday()
            for opens, _closes in self.weekly.get(weekday, ()):
                start = datetime.combine(day, opens, moment.tzinfo)
                if start > moment:
                    return start
        return None


def parse_hours(text: str) -> Hours:
    """``"24/7"``, ``"Mo-Fr 07:00-19:00, Sa 08:00-14:00"`` (German or English day names), or
    an empty text for a line that is never staffed."""
    text = text.strip().lower()
    if text == ALWAYS:
        return Hours(always=True)
    weekly: dict[int, list[tuple[time, time]]] = {}
    for part in filter(str.strip, text.split(",")):
        match = _PART.match(part)
        if not match or match["first"] not in DAYS or (match["last"] or "mo") not in DAYS:
            raise HoursError(f"cannot read {part.strip()!r}")
        try:
            opens, closes = time.fromisoformat(match["opens"].zfill(5)), _closing(match["closes"])
        except ValueError as error:
            raise HoursError(f"cannot read {part.strip()!r}") from error
        if closes <= opens:
            raise HoursError(f"{part.strip()!r} closes before it opens")
        first = DAYS[match["first"]]
        last = DAYS[match["last"]] if match["last"] else first
        for weekday in range(first, (last if last >= first else last + 7) + 1):
            weekly.setdefault(weekday % 7, []).append((opens, closes))
    return Hours({day: tuple(sorted(spans)) for day, spans in weekly.items()})


def _closing(text: str) -> time:
    return time.max if text == "24:00" else time.fromisoformat(text.zfill(5))


@dataclass(frozen=True)
class Number:
    """A phone number to call, and whether someone answers it now."""

    kind: str  # emergency_line, hotline, gas, emergency_services
    label: str
    phone: str
    staffed: bool = True
    opens: datetime | None = None
    hours: str = ""

    @property
    def dial(self) -> str:
        return re.sub(r"[^\d+]", "", self.phone)


@dataclass(frozen=True)
class Guidance:
    """What to tell a customer in danger: steps, numbers in the order to call them, and one
    paragraph for places that show plain text (the API)."""

    level: str
    reason: str
    title: str
    steps: list[str]
    advice: str
    numbers: list[Number]
    article: str | None
    can_book: bool

    @property
    def phone(self) -> str | None:
        """The number to call first: the first one staffed now."""
        return next((n.phone for n in self.numbers if n.staffed), None)


def _local(now: datetime | None) -> datetime:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return (now or utcnow()).astimezone(zone)


@cache
def _holidays(state: str, year: int) -> frozenset[date]:
    return frozenset(public_holidays.country_holidays("DE", subdiv=state, years=year))


def _line(kind: str, label: str, phone: str, hours_text: str, now: datetime) -> Number:
    hours = parse_hours(hours_text)
    closed = _holidays(current_app.config["BOOKING_STATE"], now.year)
    return Number(
        kind,
        label,
        phone,
        staffed=hours.staffed(now, closed),
        opens=None if hours.always else hours.next_opening(now, closed),
        hours=describe_hours(hours),
    )


def describe_hours(hours: Hours) -> str:
    """The hours as the customer reads them, in the current language."""
    if hours.always:
        return _("around the clock")
    names = {0: _("Mon"), 1: _("Tue"), 2: _("Wed"), 3: _("Thu"), 4: _("Fri"), 5: _("Sat")}
    names[6] = _("Sun")
    groups: list[tuple[int, int, tuple]] = []
    for weekday in range(7):
        spans = hours.weekly.get(weekday)
        if spans and groups and groups[-1][2] == spans and groups[-1][1] == weekday - 1:
            groups[-1] = (groups[-1][0], weekday, spans)
        elif spans:
            groups.append((weekday, weekday, spans))
    parts = []
    for first, last, spans in groups:
        days = names[first] if first == last else f"{names[first]}–{names[last]}"
        times = ", ".join(f"{_clock(a)}–{_clock(b)}" for a, b in spans)
        parts.append(f"{days} {times}")
    return "; ".join(parts)


def _clock(moment: time) -> str:
    return "24:00" if moment == time.max else moment.strftime("%H:%M")


def numbers(now: datetime | None = None) -> dict[str, Number]:
    """Every number the portal gives, by kind; the company's own lines only when set."""
    config, local = current_app.config, _local(now)
    found = {
        "gas": Number(
            "gas",
            _("Gas emergency number of %(operator)s", operator=config["GAS_NETWORK_OPERATOR"]),
            config["GAS_EMERGENCY_PHONE"],
            hours=_("around the clock"),
        ),
        "emergency_services": Number(
            "emergency_services",
            _("Fire brigade and ambulance"),
            config["EMERGENCY_SERVICES_PHONE"],
            hours=_("around the clock"),
        ),
    }
    if config["EMERGENCY_PHONE"]:
        found["emergency_line"] = _line(
            "emergency_line",
            _("Our emergency service"),
            config["EMERGENCY_PHONE"],
            config["EMERGENCY_HOURS"],
            local,
        )
    found["hotline"] = _line(
        "hotline", _("Our service hotline"), config["COMPANY_PHONE"], config["SERVICE_HOURS"], local
    )
    return found


def _ordered(found: dict[str, Number], kinds: list[str]) -> list[Number]:
    return [found[kind] for kind in kinds if kind in found]


def _our_line(found: dict[str, Number]) -> Number:
    """The company's line for a customer who needs us soon: the emergency line if there is
    one and it is staffed, else the hotline if it is, else the emergency line (shown closed)."""
    candidates = _ordered(found, ["emergency_line", "hotline"])
    return next((n for n in candidates if n.staffed), candidates[0])


def _when(number: Number) -> str:
    if number.opens is None:
        return ""
    return format_datetime(number.opens, "EEEE, HH:mm")


def _gas(found: dict[str, Number]) -> tuple[str, list[str], str, list[Number]]:
    gas, emergency = found["gas"].phone, found["emergency_services"].phone
    steps = [
        _(
            "Do not switch lights or appliances on or off, do not ring doorbells, and do not "
            "use a phone inside the building."
        ),
        _("No open flames, no smoking."),
        _("Open windows and doors on your way out."),
        _("Close the main gas valve only if you can reach it easily and safely."),
        _("Warn the others in the building by knocking, and leave the building."),
        _(
            "From outside, call the gas emergency number %(phone)s. If anyone feels unwell, "
            "call %(emergency)s.",
            phone=gas,
            emergency=emergency,
        ),
    ]
    advice = _(
        "Leave the building now. Do not switch anything on or off and do not use a phone "
        "inside; open windows and doors on your way out and warn others by knocking. From "
        "outside, call the gas emergency number %(phone)s. If anyone feels unwell, call "
        "%(emergency)s.",
        phone=gas,
        emergency=emergency,
    )
    title = _("Do you smell gas? Leave the building now.")
    return title, steps, advice, _ordered(found, ["gas", "emergency_services", "emergency_line"])


def _carbon_monoxide(found: dict[str, Number]) -> tuple[str, list[str], str, list[Number]]:
    emergency = found["emergency_services"].phone
    steps = [
        _("Open windows and doors."),
        _("Switch off the boiler and gas appliances if you can do so at once."),
        _("Get everyone out of the building into fresh air, pets included."),
        _(
            "Call %(emergency)s if an alarm sounds or anyone has a headache, feels dizzy, sick "
            "or drowsy, and say that you suspect carbon monoxide.",
            emergency=emergency,
        ),
        _("Do not go back in until the emergency services say it is safe."),
    ]
    advice = _(
        "Open windows, switch off gas appliances if you can at once, and get everyone out "
        "into fresh air. Call %(emergency)s if an alarm sounds or anyone feels unwell, and "
        "say that you suspect carbon monoxide. Do not go back in until it is safe.",
        emergency=emergency,
    )
    title = _("Carbon monoxide? Get into fresh air now.")
    ordered = _ordered(found, ["emergency_services", "gas", "emergency_line"])
    return title, steps, advice, ordered


def _fire(found: dict[str, Number]) -> tuple[str, list[str], str, list[Number]]:
    emergency = found["emergency_services"].phone
    steps = [
        _(
            "Flames or thick smoke: leave the room, close the doors behind you and call "
            "%(emergency)s from safety.",
            emergency=emergency,
        ),
        _(
            "Only a burning smell: switch the appliance off and pull the plug or switch off its "
            "fuse, but only if you can do so without touching hot or melted parts."
        ),
        _("Never pour water on an electrical appliance."),
        _("Do not use the appliance again until a technician has checked it."),
    ]
    advice = _(
        "If there are flames or thick smoke, get out, close the doors behind you and call "
        "%(emergency)s. With only a burning smell, switch the appliance off at the plug or the "
        "fuse if that is safe, and do not use it again until it has been checked.",
        emergency=emergency,
    )
    title = _("Smoke, fire or a burning smell? Get to safety.")
    return title, steps, advice, _ordered(found, ["emergency_services", "emergency_line"])


def _water(found: dict[str, Number]) -> tuple[str, list[str], str, list[Number]]:
    ours, emergency = _our_line(found), found["emergency_services"].phone
    steps = [
        _(
            "Close the main water stop valve, usually next to the water meter in the cellar or "
            "utility room (turn it clockwise)."
        ),
        _(
            "Close the tap of the appliance as well, and switch the boiler off if the water "
            "comes out of it."
        ),
        _(
            "Keep away from water near sockets and appliances. Switch the power off at the fuse "
            "box only if you can reach it without standing in water."
        ),
        _(
            "Water from the ceiling or from a neighbour: warn the neighbours above and your "
            "landlord or property manager; only their valve stops it."
        ),
        _(
            "If you cannot stop the water or it reaches electrics, call the fire brigade: "
            "%(emergency)s.",
            emergency=emergency,
        ),
    ]
    if ours.staffed:
        steps.append(_("Then call us: %(phone)s.", phone=ours.phone))
        advice = _(
            "Close the main water stop valve (usually next to the water meter) and the tap of "
            "the appliance. Keep away from water near sockets; switch off the power at the fuse "
            "box only if you can reach it dry. Then call us: %(phone)s.",
            phone=ours.phone,
        )
        kinds = [ours.kind, "emergency_services"]
    else:
        advice = _(
            "Close the main water stop valve (usually next to the water meter) and the tap of "
            "the appliance. Keep away from water near sockets; switch off the power at the fuse "
            "box only if you can reach it dry. If you cannot stop the water, call the fire "
            "brigade: %(emergency)s. Our line is staffed again from %(when)s.",
            emergency=emergency,
            when=_when(ours),
        )
        kinds = ["emergency_services", ours.kind]
    title = _("Water running out? Stop it at the main valve.")
    return title, steps, advice, _ordered(found, kinds)


def _no_heating(found: dict[str, Number]) -> tuple[str, list[str], str, list[Number]]:
    ours = _our_line(found)
    steps = [
        _(
            "Check that the boiler has power and its gas tap is open, and note the code on its "
            "display."
        )
    ]
    if ours.staffed:
        steps.append(
            _("Call us now: %(phone)s. We send the next free technician.", phone=ours.phone)
        )
        advice = _(
            "No heating in the cold season: call us now at %(phone)s and we send the next free "
            "technician, or book the earliest free window.",
            phone=ours.phone,
        )
    else:
        steps.append(
            _(
                "Our line is staffed again from %(when)s. Until then, book the earliest free "
                "window.",
                when=_when(ours),
            )
        )
        advice = _(
            "No heating in the cold season: our line is staffed again from %(when)s. Until "
            "then, book the earliest free window and we will be there as soon as we can.",
            when=_when(ours),
        )
    title = _("No heating in the cold? We come as soon as we can.")
    return title, steps, advice, [ours]


WRITERS = {
    "gas": _gas,
    "carbon_monoxide": _carbon_monoxide,
    "fire": _fire,
    "water": _water,
    "no_heating": _no_heating,
}


def guidance(
    level: str, reason: str | None, language: str, now: datetime | None = None
) -> Guidance | None:
    """What to do for a triage verdict, in ``language``; None when there is no danger."""
    if level not in (EMERGENCY, URGENT) or reason not in WRITERS:
        return None
    with force_locale(language):
        title, steps, advice, ordered = WRITERS[reason](numbers(now))
    article = current_app.config["SAFETY_ARTICLES"].get(reason, {}).get(language)
    return Guidance(level, reason, title, steps, advice, ordered, article, level != EMERGENCY)


def _questions() -> dict[str, str]:
    return {
        "gas": _("Does it smell of gas after all? Then act now:"),
        "carbon_monoxide": _(
            "Is a carbon monoxide alarm sounding, or do you feel dizzy or sick? Then act now:"
        ),
        "fire": _("Is there smoke, fire or a burning smell after all? Then get to safety:"),
        "water": _("Is water running out after all? Then stop it at the main valve:"),
    }


def guidance_for(verdict, language: str, now: datetime | None = None) -> Guidance | None:
    """What to do for a ``search.triage`` verdict: for a danger, its guidance; for a routine
    text that denies one ("kein Gasgeruch"), the same steps under a question, so that a reader
    who misread the customer costs a second of reading, not a life."""
    if verdict.level != "normal":
        return guidance(verdict.level, verdict.reason, language, now)
    guide = guidance(EMERGENCY, verdict.possible, language, now) if verdict.possible else None
    if guide is None:
        return None
    with force_locale(language):
        title = _questions()[verdict.possible]
    return replace(guide, level=POSSIBLE, title=title, can_book=True)


def season(now: datetime | None = None) -> tuple[date, frozenset[int]]:
    """Today (local) and the months of the heating season, which decide whether no heating
    is urgent: the arguments ``search.triage.classify`` takes after the text."""
    return _local(now).date(), current_app.config["HEATING_MONTHS"]


def level_labels() -> dict[str, str]:
    """What the triage levels above normal are called on staff screens."""
    return {EMERGENCY: _("Emergency"), URGENT: _("Urgent")}


def reason_labels() -> dict[str, str]:
    """What each triage reason is called on staff screens."""
    return {
        "gas": _("Gas smell"),
        "carbon_monoxide": _("Carbon monoxide"),
        "water": _("Water running out"),
        "fire": _("Smoke or fire"),
        "no_heating": _("No heating"),
    }


def init_app(app: Flask) -> None:
    """Refuse to start with opening hours nobody can read, and give templates the numbers."""
    for name in ("SERVICE_HOURS", "EMERGENCY_HOURS"):
        try:
            parse_hours(app.config[name])
        except HoursError as error:
            raise RuntimeError(f"{name}: {error}") from error
    app.jinja_env.globals.update(safety_numbers=numbers)
