"""Free times, computed: pure functions over aware datetimes, no database.

A coach's working windows come from weekly hours in the business's time zone, made
real per calendar date (so 09:00 is 09:00 on both sides of a daylight-saving change),
plus extra hours; busy time is their held appointments (buffers included), their time
off and what their own calendar says. A start time ``t`` is free for a session of
length ``d`` with buffers ``b1``/``b2`` when the session [t, t + d) lies inside one
working window and the held range [t - b1, t + d + b2) overlaps nothing busy; that is
the rule PostgreSQL enforces too (``Appointment``'s exclusion constraint), so a time
offered here is a time the database accepts, unless someone takes it first.
"""

from __future__ import annotations

import bisect
import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

UTC = dt.UTC
Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class WeeklyStretch:
    weekday: int  # Monday 0 … Sunday 6
    starts: dt.time
    ends: dt.time


@dataclass(frozen=True)
class SlotRules:
    duration: dt.timedelta
    buffer_before: dt.timedelta = dt.timedelta()
    buffer_after: dt.timedelta = dt.timedelta()
    step: dt.timedelta = dt.timedelta(minutes=15)


def local_moment(day: dt.date, at: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """``day`` at ``at`` on the wall clock of ``tz``, in UTC. A wall time that does not
    exist (inside a spring-forward gap) moves forward by the gap, as clocks do; one that
    happens twice (autumn) is its first occurrence."""
    # fold=0 (PEP 495) reads a time in the gap with the offset before the change, which
    # lands it after the gap (02:30 -> 03:30), and an ambiguous time as the first one
    return dt.datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def working_windows(
    *,
    weekly: Iterable[WeeklyStretch],
    extra: Iterable[Interval],
    start: dt.datetime,
    end: dt.datetime,
    tz: zoneinfo.ZoneInfo,
) -> list[Interval]:
    """The coach's working windows that reach into ``start``..``end`` (UTC), whole and
    merged."""
    weekly = list(weekly)
    windows: list[Interval] = []
    day = start.astimezone(tz).date() - dt.timedelta(days=1)
    last = end.astimezone(tz).date() + dt.timedelta(days=1)
    while day <= last:
        for stretch in weekly:
            if stretch.weekday == day.weekday():
                windows.append(
                    (local_moment(day, stretch.starts, tz), local_moment(day, stretch.ends, tz))
                )
        day += dt.timedelta(days=1)
    windows.extend(extra)
    # whole windows, not clipped to the range: start times stay on each window's grid
    # (a window from 09:00 offers 10:30, never 10:34 because that is when "now" was)
    return merge([(a, b) for a, b in windows if a < end and start < b])


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping and touching intervals joined."""
    merged: list[Interval] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def free_starts(
    *,
    windows: Sequence[Interval],
    busy: Iterable[Interval],
    rules: SlotRules,
    earliest: dt.datetime,
    latest: dt.datetime,
) -> list[dt.datetime]:
    """Every start time (on the step grid of each window) at which a session fits.

    ``earliest``/``latest`` bound the start (minimum notice, how far ahead)."""
    busy = merge(busy)
    ends = [b for _a, b in busy]
    starts: list[dt.datetime] = []
    step = rules.step
    for window_start, window_end in windows:
        t = window_start
        if t < earliest:
            # stay on the window's grid: the first step at or after the earliest
            t += step * -((window_start - earliest) // step)
        while t + rules.duration <= window_end and t <= latest:
            held = (t - rules.buffer_before, t + rules.duration + rules.buffer_after)
            clash = _first_overlap(busy, ends, held)
            if clash is None:
                starts.append(t)
                t += step
            else:
                # jump past the clash: no start before its end minus the buffer fits
                after = clash[1] + rules.buffer_before
                t += step * max(1, -((t - after) // step))
    return starts


def overlaps(a: Interval, b: Interval) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _first_overlap(
    busy: Sequence[Interval], ends: Sequence[dt.datetime], held: Interval
) -> Interval | None:
    """The busy interval ``held`` overlaps, if any. ``busy`` is sorted and merged, so
    its ends are sorted too: the first interval ending after ``held`` starts is the
    only one that can overlap it first (a binary search: 200 sessions in four weeks
    cost no more than 20)."""
    index = bisect.bisect_right(ends, held[0])
    if index < len(busy) and busy[index][0] < held[1]:
        return busy[index]
    return None
