"""Free times, computed without a database: working hours across daylight-saving
changes, buffers, notice and reach, and properties over random schedules."""

import datetime as dt
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.slots import (
    SlotRules,
    WeeklyStretch,
    free_starts,
    local_moment,
    merge,
    overlaps,
    working_windows,
)

UTC = dt.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
HOUR = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)


def at(y, m, d, h=0, mi=0, tz=UTC):
    return dt.datetime(y, m, d, h, mi, tzinfo=tz).astimezone(UTC)


def weekdays(starts="09:00", ends="17:00"):
    a, b = dt.time.fromisoformat(starts), dt.time.fromisoformat(ends)
    return [WeeklyStretch(day, a, b) for day in range(5)]


def test_nine_oclock_is_nine_oclock_on_both_sides_of_the_clock_change():
    # London: BST ends Sunday 25 October 2026 (UTC+1 -> UTC+0)
    windows = working_windows(
        weekly=weekdays(),
        extra=[],
        start=at(2026, 10, 22),
        end=at(2026, 10, 28),
        tz=LONDON,
    )
    assert windows[0] == (at(2026, 10, 22, 8), at(2026, 10, 22, 16))  # 09:00 BST
    assert windows[1] == (at(2026, 10, 23, 8), at(2026, 10, 23, 16))
    assert windows[2] == (at(2026, 10, 26, 9), at(2026, 10, 26, 17))  # 09:00 GMT
    assert all(b - a == 8 * HOUR for a, b in windows)


def test_a_window_over_the_spring_gap_is_an_hour_shorter_and_its_slots_are_real_times():
    # New York, Sunday 8 March 2026: 02:00 -> 03:00
    windows = working_windows(
        weekly=[WeeklyStretch(6, dt.time(0, 0), dt.time(6, 0))],
        extra=[],
        start=at(2026, 3, 8),
        end=at(2026, 3, 9),
        tz=NEW_YORK,
    )
    assert windows == [(at(2026, 3, 8, 5), at(2026, 3, 8, 10))]  # 00:00 EST -> 06:00 EDT
    starts = free_starts(
        windows=windows,
        busy=[],
        rules=SlotRules(duration=HOUR, step=HOUR),
        earliest=at(2026, 3, 8),
        latest=at(2026, 3, 9),
    )
    local = [t.astimezone(NEW_YORK).strftime("%H:%M") for t in starts]
    assert local == ["00:00", "01:00", "03:00", "04:00", "05:00"]


def test_a_wall_time_inside_the_gap_moves_forward_as_clocks_do():
    assert local_moment(dt.date(2026, 3, 8), dt.time(2, 30), NEW_YORK) == at(2026, 3, 8, 7, 30)
    # autumn: 01:30 happens twice; the first one counts
    assert local_moment(dt.date(2026, 11, 1), dt.time(1, 30), NEW_YORK) == at(2026, 11, 1, 5, 30)


def test_buffers_keep_time_free_around_a_session_and_around_the_new_one():
    windows = [(at(2026, 6, 1, 9), at(2026, 6, 1, 13))]
    busy = [(at(2026, 6, 1, 10), at(2026, 6, 1, 11))]
    rules = SlotRules(duration=HOUR, buffer_before=15 * MIN, buffer_after=15 * MIN, step=15 * MIN)
    starts = free_starts(
        windows=windows, busy=busy, rules=rules, earliest=at(2026, 6, 1), latest=at(2026, 6, 2)
    )
    assert [t.strftime("%H:%M") for t in starts] == ["11:15", "11:30", "11:45", "12:00"]


def test_notice_and_reach_bound_the_starts_and_stay_on_the_grid():
    windows = [(at(2026, 6, 1, 9), at(2026, 6, 1, 17))]
    starts = free_starts(
        windows=windows,
        busy=[],
        rules=SlotRules(duration=HOUR, step=30 * MIN),
        earliest=at(2026, 6, 1, 10, 10),
        latest=at(2026, 6, 1, 12),
    )
    assert [t.strftime("%H:%M") for t in starts] == ["10:30", "11:00", "11:30", "12:00"]


def test_extra_hours_add_a_window_and_touching_windows_merge():
    windows = working_windows(
        weekly=[WeeklyStretch(0, dt.time(9), dt.time(12))],
        extra=[(at(2026, 6, 1, 12), at(2026, 6, 1, 14)), (at(2026, 6, 6, 10), at(2026, 6, 6, 11))],
        start=at(2026, 6, 1),
        end=at(2026, 6, 7),
        tz=UTC,
    )
    assert windows == [
        (at(2026, 6, 1, 9), at(2026, 6, 1, 14)),
        (at(2026, 6, 6, 10), at(2026, 6, 6, 11)),
    ]


def test_merge_joins_overlapping_and_touching_intervals():
    a = at(2026, 1, 1)
    assert merge([(a + 2 * HOUR, a + 3 * HOUR), (a, a + HOUR), (a + HOUR, a + 90 * MIN)]) == [
        (a, a + 90 * MIN),
        (a + 2 * HOUR, a + 3 * HOUR),
    ]


# --- properties over random schedules --------------------------------------------------

BASE = at(2026, 6, 1)
minutes = st.integers(min_value=0, max_value=7 * 24 * 60)
busy_blocks = st.lists(
    st.tuples(minutes, st.integers(min_value=5, max_value=240)).map(
        lambda p: (BASE + p[0] * MIN, BASE + (p[0] + p[1]) * MIN)
    ),
    max_size=40,
)
stretches = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 23 * 4 - 1), st.integers(1, 4 * 12)).map(
        lambda p: WeeklyStretch(
            p[0],
            dt.time(p[1] // 4, 15 * (p[1] % 4)),
            (dt.datetime(2000, 1, 1, p[1] // 4, 15 * (p[1] % 4)) + p[2] * 15 * MIN).time()
            if p[1] + p[2] < 24 * 4
            else dt.time(23, 59),
        )
    ),
    max_size=8,
)
rules_st = st.builds(
    SlotRules,
    duration=st.sampled_from([15, 30, 45, 60, 90]).map(lambda m: m * MIN),
    buffer_before=st.sampled_from([0, 5, 15]).map(lambda m: m * MIN),
    buffer_after=st.sampled_from([0, 10, 15]).map(lambda m: m * MIN),
    step=st.sampled_from([5, 15, 30]).map(lambda m: m * MIN),
)
zones = st.sampled_from([UTC, LONDON, NEW_YORK, zoneinfo.ZoneInfo("Australia/Lord_Howe")])


@settings(max_examples=150, deadline=None)
@given(weekly=stretches, busy=busy_blocks, rules=rules_st, tz=zones, notice=minutes)
def test_every_offered_start_fits_a_window_and_clears_everything_busy(
    weekly, busy, rules, tz, notice
):
    start, end = BASE, BASE + dt.timedelta(days=7)
    windows = working_windows(weekly=weekly, extra=[], start=start, end=end, tz=tz)
    earliest = BASE + notice * MIN
    starts = free_starts(windows=windows, busy=busy, rules=rules, earliest=earliest, latest=end)
    assert starts == sorted(set(starts))
    for t in starts:
        assert earliest <= t <= end
        assert any(a <= t and t + rules.duration <= b for a, b in windows)
        held = (t - rules.buffer_before, t + rules.duration + rules.buffer_after)
        assert not any(overlaps(held, block) for block in busy)


@settings(max_examples=150, deadline=None)
@given(busy=busy_blocks, rules=rules_st)
def test_no_start_on_the_grid_that_fits_is_left_out(busy, rules):
    """Completeness: every grid point of the window that fits is offered (the jump past
    a clash never skips a free start)."""
    window = (BASE, BASE + dt.timedelta(days=7))
    starts = set(
        free_starts(windows=[window], busy=busy, rules=rules, earliest=BASE, latest=window[1])
    )
    t = BASE
    while t + rules.duration <= window[1]:
        held = (t - rules.buffer_before, t + rules.duration + rules.buffer_after)
        fits = not any(overlaps(held, block) for block in busy)
        assert (t in starts) == fits, t
        t += rules.step


@settings(max_examples=100, deadline=None)
@given(weekly=stretches, tz=zones)
def test_windows_are_sorted_apart_and_last_their_wall_clock_length_on_plain_days(weekly, tz):
    start, end = at(2026, 6, 1), at(2026, 6, 8)  # no clock change anywhere that week
    windows = working_windows(weekly=weekly, extra=[], start=start, end=end, tz=tz)
    for (a, b), (c, _d) in zip(windows, windows[1:], strict=False):
        assert a < b < c
    for a, b in windows:
        assert a < b and a < end and start < b
