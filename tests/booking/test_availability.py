"""The availability engine on plain data: hours, absences, occupied windows, notice, horizon,
assignment order and the daylight-saving changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking.availability import (
    DEFAULT_WINDOWS,
    Rules,
    Slot,
    TechnicianPlan,
    Window,
    free_slots,
    slot_for,
    window_times,
    windows_needed,
)

BERLIN = ZoneInfo("Europe/Berlin")
RULES = Rules(timezone=BERLIN)
MONDAY = date(2026, 6, 1)
TUESDAY = date(2026, 6, 2)
# A week before MONDAY, so the notice period never gets in the way unless a test sets `now`.
NOW = datetime(2026, 5, 25, 8, 0, tzinfo=UTC)

FULL_DAY = [(time(8), time(12)), (time(13), time(17))]
WEEKDAYS = dict.fromkeys(range(5), FULL_DAY)
EVERY_DAY = dict.fromkeys(range(7), FULL_DAY)
NO_HOLIDAYS: frozenset[date] = frozenset()


def plan(technician_id=1, name="Anna", hours=None, **extra):
    return TechnicianPlan(
        id=technician_id, name=name, hours=WEEKDAYS if hours is None else hours, **extra
    )


def local(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def on(day, total_minutes, technicians, now=NOW, holidays=NO_HOLIDAYS, rules=RULES):
    return free_slots(total_minutes, technicians, holidays, rules, day, day, now)


def starts(slots):
    return [(slot.day, slot.window) for slot in slots]


def windows(slots):
    return [slot.window for slot in slots]


# Windows needed


@pytest.mark.parametrize(
    ("total_minutes", "expected"),
    [
        (60 + 30, 1),
        (150, 2),
        (15 + 120 + 15, 2),
        (120, 1),
        (121, 2),
        (240, 2),
        (241, 3),
        (480, 4),
        (0, 1),
    ],
)
def test_windows_needed(total_minutes, expected):
    assert windows_needed(total_minutes, RULES) == expected


def test_windows_needed_uses_the_length_of_the_first_window():
    rules = Rules(BERLIN, windows=(Window(time(8), time(11)), Window(time(11), time(14))))
    assert windows_needed(180, rules) == 1
    assert windows_needed(181, rules) == 2


def test_default_windows():
    assert [(w.start, w.end) for w in DEFAULT_WINDOWS] == [
        (time(8), time(10)),
        (time(10), time(12)),
        (time(13), time(15)),
        (time(15), time(17)),
    ]


def test_window_times():
    assert window_times(MONDAY, 2, RULES) == (local(MONDAY, 13), local(MONDAY, 15))
    assert window_times(MONDAY, 0, RULES)[0] == datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize("index", [-1, 4])
def test_window_times_rejects_a_window_that_does_not_exist(index):
    with pytest.raises(IndexError):
        window_times(MONDAY, index, RULES)


# Working hours


def test_a_full_day_offers_every_window():
    slots = on(MONDAY, 90, [plan()])
    assert slots[0] == Slot(
        day=MONDAY,
        window=0,
        count=1,
        start=local(MONDAY, 8),
        end=local(MONDAY, 10),
        busy_until=local(MONDAY, 10),
        technicians=(1,),
    )
    assert windows(slots) == [0, 1, 2, 3]
    assert [slot.start.hour for slot in slots] == [8, 10, 13, 15]


def test_a_morning_only_technician_gets_the_two_morning_windows():
    morning = plan(hours={0: [(time(8), time(12))]})
    assert windows(on(MONDAY, 90, [morning])) == [0, 1]


def test_a_two_window_job_cannot_run_past_the_end_of_the_hours():
    morning = plan(hours={0: [(time(8), time(12))]})
    slots = on(MONDAY, 150, [morning])
    assert windows(slots) == [0]
    assert slots[0].count == 2
    assert slots[0].busy_until == local(MONDAY, 12)


def test_a_two_window_job_spans_the_lunch_gap():
    slots = on(MONDAY, 150, [plan()])
    assert windows(slots) == [0, 1, 2]
    across = slots[1]
    assert (across.start, across.end, across.busy_until) == (
        local(MONDAY, 10),
        local(MONDAY, 12),
        local(MONDAY, 15),
    )


def test_a_whole_day_job_starts_only_in_the_first_window():
    slots = on(MONDAY, 480, [plan()])
    assert windows(slots) == [0]
    assert (slots[0].count, slots[0].busy_until) == (4, local(MONDAY, 17))


def test_a_job_longer_than_the_day_is_never_offered():
    assert on(MONDAY, 481, [plan()]) == []


def test_a_window_must_lie_inside_one_working_interval():
    late_start = plan(hours={0: [(time(8, 30), time(12)), (time(13), time(16))]})
    assert windows(on(MONDAY, 90, [late_start])) == [1, 2]


def test_days_without_hours_are_skipped():
    friday, monday = date(2026, 5, 29), date(2026, 6, 1)
    slots = free_slots(90, [plan()], NO_HOLIDAYS, RULES, friday, monday, NOW)
    assert sorted({slot.day for slot in slots}) == [friday, monday]


def test_slots_are_sorted_by_day_and_window():
    slots = free_slots(90, [plan()], NO_HOLIDAYS, RULES, MONDAY, TUESDAY, NOW)
    assert starts(slots) == [(day, index) for day in (MONDAY, TUESDAY) for index in range(4)]


def test_custom_windows():
    rules = Rules(
        BERLIN,
        windows=(
            Window(time(7), time(10)),
            Window(time(10), time(13)),
            Window(time(13), time(16)),
        ),
    )
    technician = plan(hours={0: [(time(7), time(16))]})
    slots = on(MONDAY, 200, [technician], rules=rules)
    assert windows(slots) == [0, 1]
    assert slots[1].busy_until == local(MONDAY, 16)


# Absences


def test_a_full_day_vacation_blocks_that_day_only():
    vacation = plan(absences=[(local(MONDAY, 0), local(TUESDAY, 0))])
    slots = free_slots(90, [vacation], NO_HOLIDAYS, RULES, MONDAY, TUESDAY, NOW)
    assert starts(slots) == [(TUESDAY, index) for index in range(4)]


def test_a_vacation_given_in_utc_is_read_in_local_time():
    midnight_utc = datetime(2026, 5, 31, 22, 0, tzinfo=UTC)
    vacation = plan(absences=[(midnight_utc, midnight_utc + timedelta(days=1))])
    slots = free_slots(90, [vacation], NO_HOLIDAYS, RULES, MONDAY, TUESDAY, NOW)
    assert {slot.day for slot in slots} == {TUESDAY}


def test_a_long_absence_around_the_whole_range_blocks_everything():
    sick = plan(absences=[(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))])
    assert free_slots(90, [sick], NO_HOLIDAYS, RULES, MONDAY, date(2026, 6, 30), NOW) == []


def test_a_two_hour_block_takes_out_one_window():
    blocked = plan(absences=[(local(MONDAY, 10), local(MONDAY, 12))])
    assert windows(on(MONDAY, 90, [blocked])) == [0, 2, 3]


def test_absences_are_half_open_and_compared_as_instants():
    # 09:00-11:00 UTC is 11:00-13:00 in Berlin summer time: it hits 10-12, only touches 13-15.
    blocked = plan(
        absences=[(datetime(2026, 6, 1, 9, 0, tzinfo=UTC), datetime(2026, 6, 1, 11, 0, tzinfo=UTC))]
    )
    assert windows(on(MONDAY, 90, [blocked])) == [0, 2, 3]


def test_an_absence_ending_at_a_window_start_leaves_it_free():
    early = plan(absences=[(local(MONDAY, 6), local(MONDAY, 8))])
    assert windows(on(MONDAY, 90, [early])) == [0, 1, 2, 3]


def test_a_short_block_stops_every_job_that_would_run_through_it():
    blocked = plan(absences=[(local(MONDAY, 13, 30), local(MONDAY, 14))])
    assert windows(on(MONDAY, 150, [blocked])) == [0]


# Occupied windows and holidays


def test_occupied_windows_are_not_offered():
    busy = plan(occupied={(MONDAY, 1), (TUESDAY, 2)})
    assert windows(on(MONDAY, 90, [busy])) == [0, 2, 3]
    assert windows(on(MONDAY, 150, [busy])) == [2]


def test_holidays_are_skipped():
    wednesday = date(2026, 6, 3)
    slots = free_slots(90, [plan()], {TUESDAY}, RULES, MONDAY, wednesday, NOW)
    assert sorted({slot.day for slot in slots}) == [MONDAY, wednesday]


# Notice and horizon


def test_a_window_23_hours_ahead_is_not_offered_25_hours_ahead_is():
    now = local(MONDAY, 9)
    slots = free_slots(90, [plan()], NO_HOLIDAYS, RULES, MONDAY, TUESDAY, now)
    assert starts(slots) == [(TUESDAY, 1), (TUESDAY, 2), (TUESDAY, 3)]


def test_a_window_exactly_at_the_notice_limit_is_offered():
    slots = free_slots(90, [plan()], NO_HOLIDAYS, RULES, MONDAY, TUESDAY, local(MONDAY, 8))
    assert starts(slots)[0] == (TUESDAY, 0)


def test_notice_is_elapsed_time_across_the_spring_change():
    # Saturday 09:30 CET plus 24 hours is Sunday 10:30 CEST: the 10:00 window is only 23.5 h away.
    saturday, sunday = date(2027, 3, 27), date(2027, 3, 28)
    slots = on(sunday, 90, [plan(hours=EVERY_DAY)], now=local(saturday, 9, 30))
    assert windows(slots) == [2, 3]


def test_now_in_utc_gives_the_same_answer():
    now = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 09:00 in Berlin
    slots = free_slots(90, [plan()], NO_HOLIDAYS, RULES, MONDAY, TUESDAY, now)
    assert starts(slots) == [(TUESDAY, 1), (TUESDAY, 2), (TUESDAY, 3)]


def test_the_horizon_ends_60_days_after_today():
    today = date(2026, 5, 25)
    slots = free_slots(
        90, [plan(hours=EVERY_DAY)], NO_HOLIDAYS, RULES, today, today + timedelta(days=70), NOW
    )
    days = sorted({slot.day for slot in slots})
    assert days[-1] == today + timedelta(days=60)
    assert today + timedelta(days=61) not in days
    assert len(days) == 60


def test_days_before_today_are_never_offered():
    slots = free_slots(90, [plan()], NO_HOLIDAYS, RULES, date(2026, 5, 1), MONDAY, NOW)
    # NOW is Monday 25 May 10:00 in Berlin: the first window 24 hours later is Tuesday 10:00.
    assert starts(slots)[0] == (date(2026, 5, 26), 1)


def test_an_empty_range_gives_nothing():
    assert free_slots(90, [plan()], NO_HOLIDAYS, RULES, TUESDAY, MONDAY, NOW) == []


# Assignment order


def test_fewest_appointments_that_day_first_then_name_then_id():
    team = [
        plan(1, "Carla", load={MONDAY: 2}),
        plan(2, "Bernd", load={MONDAY: 0}),
        plan(3, "Anna", load={MONDAY: 1}),
        plan(4, "Anna"),
    ]
    assert on(MONDAY, 90, team)[0].technicians == (4, 2, 3, 1)
    assert on(TUESDAY, 90, team)[0].technicians == (3, 4, 2, 1)


def test_only_technicians_free_for_every_window_are_listed():
    team = [plan(1, "Anna", occupied={(MONDAY, 1)}), plan(2, "Bernd")]
    slots = on(MONDAY, 150, team)
    assert [(slot.window, slot.technicians) for slot in slots] == [
        (0, (2,)),
        (1, (2,)),
        (2, (1, 2)),
    ]


def test_no_technicians_means_no_slots():
    assert on(MONDAY, 90, []) == []
    assert on(MONDAY, 90, [plan(hours={})]) == []
    assert slot_for(90, [], NO_HOLIDAYS, RULES, MONDAY, 0, NOW) is None


# Daylight-saving changes


@pytest.mark.parametrize(
    ("day", "offset", "eight_utc"),
    [
        (date(2027, 3, 26), 1, datetime(2027, 3, 26, 7, 0, tzinfo=UTC)),
        (date(2027, 3, 27), 1, datetime(2027, 3, 27, 7, 0, tzinfo=UTC)),
        (date(2027, 3, 28), 2, datetime(2027, 3, 28, 6, 0, tzinfo=UTC)),
        (date(2027, 3, 29), 2, datetime(2027, 3, 29, 6, 0, tzinfo=UTC)),
        (date(2027, 10, 30), 2, datetime(2027, 10, 30, 6, 0, tzinfo=UTC)),
        (date(2027, 10, 31), 1, datetime(2027, 10, 31, 7, 0, tzinfo=UTC)),
        (date(2027, 11, 1), 1, datetime(2027, 11, 1, 7, 0, tzinfo=UTC)),
    ],
)
def test_windows_around_the_daylight_saving_changes(day, offset, eight_utc):
    week_before = datetime.combine(day - timedelta(days=7), time(), tzinfo=UTC)
    slots = on(day, 90, [plan(hours=EVERY_DAY)], now=week_before)
    assert windows(slots) == [0, 1, 2, 3]
    first, last = slots[0], slots[-1]
    assert first.start.tzinfo == BERLIN
    assert first.start.utcoffset() == timedelta(hours=offset)
    assert first.start == eight_utc
    assert first.end == eight_utc + timedelta(hours=2)
    assert last.end == eight_utc + timedelta(hours=9)
    assert (first.start.hour, last.end.hour) == (8, 17)
    assert window_times(day, 0, RULES)[0] == eight_utc


def test_a_range_across_the_spring_change_switches_offset_on_sunday():
    slots = free_slots(
        90,
        [plan(hours=EVERY_DAY)],
        NO_HOLIDAYS,
        RULES,
        date(2027, 3, 26),
        date(2027, 3, 29),
        datetime(2027, 3, 1, tzinfo=UTC),
    )
    offsets = [slot.start.utcoffset() for slot in slots if slot.window == 0]
    assert offsets == [timedelta(hours=hours) for hours in (1, 1, 2, 2)]


def test_a_job_on_the_autumn_change_day_ends_at_local_wall_clock_time():
    sunday = date(2027, 10, 31)
    slots = on(sunday, 150, [plan(hours=EVERY_DAY)], now=datetime(2027, 10, 20, tzinfo=UTC))
    assert slots[1].busy_until == datetime(2027, 10, 31, 14, 0, tzinfo=UTC)  # 15:00 CET


def test_an_absence_in_utc_on_the_spring_change_day_hits_the_right_window():
    # 08:00-09:00 UTC is 10:00-11:00 CEST on that Sunday (it would be 09:00-10:00 in CET).
    sunday = date(2027, 3, 28)
    blocked = plan(
        hours=EVERY_DAY,
        absences=[(datetime(2027, 3, 28, 8, tzinfo=UTC), datetime(2027, 3, 28, 9, tzinfo=UTC))],
    )
    slots = on(sunday, 90, [blocked], now=datetime(2027, 3, 20, tzinfo=UTC))
    assert windows(slots) == [0, 2, 3]


# Booking one chosen window


def test_slot_for_returns_the_slot_of_a_free_window():
    slot = slot_for(90, [plan()], NO_HOLIDAYS, RULES, MONDAY, 2, NOW)
    assert slot == Slot(
        day=MONDAY,
        window=2,
        count=1,
        start=local(MONDAY, 13),
        end=local(MONDAY, 15),
        busy_until=local(MONDAY, 15),
        technicians=(1,),
    )
    assert slot == on(MONDAY, 90, [plan()])[2]


def test_slot_for_a_two_window_job():
    slot = slot_for(150, [plan()], NO_HOLIDAYS, RULES, MONDAY, 1, NOW)
    assert slot is not None
    assert (slot.count, slot.busy_until) == (2, local(MONDAY, 15))


@pytest.mark.parametrize(
    ("total_minutes", "technician", "holidays", "window", "now"),
    [
        (90, plan(occupied={(MONDAY, 2)}), NO_HOLIDAYS, 2, NOW),
        (90, plan(), NO_HOLIDAYS, 4, NOW),
        (90, plan(), NO_HOLIDAYS, -1, NOW),
        (150, plan(), NO_HOLIDAYS, 3, NOW),
        (90, plan(), {MONDAY}, 2, NOW),
        (90, plan(), NO_HOLIDAYS, 2, local(MONDAY, 8)),
    ],
    ids=["taken", "past-last-window", "negative", "runs-out-of-day", "holiday", "too-short-notice"],
)
def test_slot_for_returns_none(total_minutes, technician, holidays, window, now):
    assert slot_for(total_minutes, [technician], holidays, RULES, MONDAY, window, now) is None


# Guards


def test_a_naive_now_is_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        free_slots(90, [plan()], NO_HOLIDAYS, RULES, MONDAY, MONDAY, datetime(2026, 5, 25, 8))


@pytest.mark.parametrize(
    "bad",
    [
        (),
        (Window(time(10), time(8)),),
        (Window(time(8), time(10)), Window(time(9), time(11))),
        (Window(time(13), time(15)), Window(time(8), time(10))),
    ],
    ids=["empty", "reversed", "overlapping", "unordered"],
)
def test_rules_reject_windows_that_cannot_be_consecutive(bad):
    with pytest.raises(ValueError):
        Rules(BERLIN, windows=bad)
