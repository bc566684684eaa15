"""Whom to call and when they answer: opening hours, the order of the numbers, and the advice."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from portal import create_app, safety
from portal.config import months

BERLIN = ZoneInfo("Europe/Berlin")
# A Monday, a Saturday evening, and Christmas Day (a Friday, a public holiday).
MONDAY_NOON = datetime(2026, 12, 7, 12, 0, tzinfo=BERLIN)
SATURDAY_NIGHT = datetime(2026, 12, 5, 23, 30, tzinfo=BERLIN)
CHRISTMAS = datetime(2026, 12, 25, 10, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "weekday", "spans"),
    [
        ("Mo-Fr 07:00-19:00", 4, [(time(7), time(19))]),
        ("Mo-Fr 07:00-19:00, Sa 08:00-14:00", 5, [(time(8), time(14))]),
        ("Sa-So 08:00-20:00", 6, [(time(8), time(20))]),
        ("Fr-Mo 18:00-24:00", 0, [(time(18), time.max)]),  # over the weekend
        (
            "Mon-Fri 07:00-12:00, Mon-Fri 13:00-17:00",
            2,
            [(time(7), time(12)), (time(13), time(17))],
        ),
    ],
)
def test_opening_hours_are_read_in_german_or_english(text, weekday, spans):
    assert list(safety.parse_hours(text).weekly[weekday]) == spans


@pytest.mark.parametrize("text", ["Mo-Fr", "Xy 07:00-09:00", "Mo 19:00-07:00", "Mo 25:00-26:00"])
def test_unreadable_hours_are_refused_with_the_part_named(text):
    with pytest.raises(safety.HoursError):
        safety.parse_hours(text)


def test_a_line_is_staffed_in_its_hours_and_says_when_it_opens_again():
    hours = safety.parse_hours("Mo-Fr 07:00-19:00, Sa 08:00-14:00")
    assert hours.staffed(MONDAY_NOON)
    assert not hours.staffed(SATURDAY_NIGHT)
    assert hours.next_opening(SATURDAY_NIGHT) == datetime(2026, 12, 7, 7, 0, tzinfo=BERLIN)
    holidays = frozenset({date(2026, 12, 25)})
    assert hours.staffed(CHRISTMAS) and not hours.staffed(CHRISTMAS, holidays)
    assert safety.parse_hours("24/7").staffed(SATURDAY_NIGHT)
    assert safety.parse_hours("").next_opening(MONDAY_NOON) is None


def test_the_heating_season_can_wrap_the_new_year():
    assert months("10-4") == {10, 11, 12, 1, 2, 3, 4}
    assert months("11, 12, 1") == {11, 12, 1}
    with pytest.raises(ValueError):
        months("13-2")


def test_a_portal_with_unreadable_hours_does_not_start(tmp_path):
    with pytest.raises(RuntimeError, match="EMERGENCY_HOURS"):
        create_app({"INSTANCE_PATH": tmp_path, "EMERGENCY_HOURS": "nachts"})


def _guide(app, reason, moment, language="de", level=safety.EMERGENCY):
    with app.test_request_context():
        return safety.guidance(level, reason, language, moment)


def test_gas_advice_calls_the_gas_emergency_number_first(app):
    guide = _guide(app, "gas", MONDAY_NOON)
    assert [n.kind for n in guide.numbers] == ["gas", "emergency_services", "emergency_line"]
    assert guide.phone == app.config["GAS_EMERGENCY_PHONE"]
    assert "Verlassen Sie jetzt das Gebäude" in guide.title
    assert any("Klingel" in step for step in guide.steps) and not guide.can_book
    assert guide.article == "gasgeruch"


def test_fire_and_carbon_monoxide_advice_call_112_first(app):
    for reason in ("fire", "carbon_monoxide"):
        assert _guide(app, reason, MONDAY_NOON).phone == "112"


def test_when_our_line_is_closed_the_advice_says_so_and_gives_the_other_numbers(make_app):
    app = make_app(EMERGENCY_HOURS="Mo-Fr 07:00-19:00", SERVICE_HOURS="Mo-Fr 07:00-19:00")
    water = _guide(app, "water", SATURDAY_NIGHT)
    assert water.numbers[0].kind == "emergency_services"
    assert water.phone == "112"
    assert "Montag, 07:00" in water.advice
    closed = next(n for n in water.numbers if not n.staffed)
    assert closed.opens == datetime(2026, 12, 7, 7, 0, tzinfo=BERLIN)
    no_heating = _guide(app, "no_heating", SATURDAY_NIGHT, level=safety.URGENT)
    assert no_heating.phone is None and no_heating.can_book
    assert "Montag, 07:00" in no_heating.advice


def test_a_business_hours_hotline_is_never_called_an_emergency_service(make_app):
    app = make_app(EMERGENCY_PHONE="")
    guide = _guide(app, "no_heating", MONDAY_NOON, level=safety.URGENT)
    [line] = guide.numbers
    assert line.kind == "hotline" and line.label == "Unsere Service-Hotline"
    assert "Notdienst" not in " ".join([guide.title, guide.advice, *guide.steps, line.label])


def test_advice_speaks_the_language_asked_for(app):
    guide = _guide(app, "gas", MONDAY_NOON, language="en")
    assert guide.title == "Do you smell gas? Leave the building now."
    assert guide.article == "smell-of-gas"
    with app.test_request_context():
        assert safety.guidance("normal", None, "de") is None


def test_hours_are_written_for_people(app):
    with app.test_request_context("/de/"):
        hours = safety.parse_hours("Mo-Fr 07:00-19:00, Sa 08:00-14:00")
        assert safety.describe_hours(hours) == "Mo–Fr 07:00–19:00; Sa 08:00–14:00"
        assert safety.describe_hours(safety.parse_hours("24/7")) == "rund um die Uhr"
