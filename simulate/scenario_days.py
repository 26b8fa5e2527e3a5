"""Reading a scenario's days: the horizon (by ``days``, ``hours`` or an ``end`` date) and a
stream's dated ``trend`` and ``limit`` (docs/scenarios.md, "The season").

Kept apart from :mod:`simulate.scenario` so that module stays within the size the
architecture test allows; the checks here need more than one field (an end after the start,
one length per file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from . import scenario_format as fmt
from .demand import Limit, Trend
from .horizon import MIN_PER_DAY, Horizon
from .scenario_reader import PathT, Reader

DEFAULT_DAYS = 2.0
LENGTHS = ("days", "hours", "end")


def _stated_in(r: Reader, h: fmt.Horizon) -> dict[str, int]:
    """Where each given length (days, hours, end) was stated: the index of its file in the
    extends chain (base first), past the last file for a ``--vary`` override (it has no mark)."""
    order = {f: i for i, f in enumerate(r.source.files)}
    out = {}
    for key in LENGTHS:
        if getattr(h, key) is not None:
            mark = r.source.marks.get(("horizon", key))
            out[key] = order.get(mark[0], -1) if mark else len(order)
    return out


def _length_min(r: Reader, h: fmt.Horizon) -> float:
    """The horizon's length. One file states one of days, hours or end; a file that extends
    another replaces the base's length with its own (the last file of the chain wins)."""
    stated = _stated_in(r, h)
    latest = max(stated.values(), default=-1)
    mine = [k for k, at in stated.items() if at == latest]
    if len(mine) > 1:
        r.fail(("horizon", mine[-1]), "scenario.conflict",
               f"give one of days, hours or end, not {' and '.join(mine)}")
    key = mine[0] if mine else ("end" if h.end is not None else "hours" if h.hours is not None else "days")
    if key == "end" and h.end is not None:
        start = h.start
        stop = dt.datetime.combine(h.end + dt.timedelta(days=1), dt.time())
        length = (stop - start).total_seconds() / 60.0
        if length <= 0:
            r.fail(("horizon", "end"), "scenario.range",
                   f"the last day {h.end.isoformat()} is before the start {start.isoformat(sep=' ')}")
            return DEFAULT_DAYS * MIN_PER_DAY     # the scenario is discarded; the other checks go on
        return length
    if key == "hours" and h.hours is not None:
        return float(h.hours) * 60.0
    return (DEFAULT_DAYS if h.days is None else h.days) * MIN_PER_DAY


def read_horizon(r: Reader, h: fmt.Horizon | None, holidays: list[Any] | None) -> Horizon | None:
    """The horizon; a warm-up must leave something to measure."""
    if h is None:
        return None
    length = _length_min(r, h)
    if h.warmup_min >= length:
        r.fail(("horizon", "warmup_min"), "scenario.range",
               f"the warm-up ({h.warmup_min:g} min) must end before the horizon does ({length:g} min)")
    return Horizon(h.start, float(length), frozenset(holidays or ()), float(h.warmup_min))


def read_trend(r: Reader, path: PathT, points: Mapping[dt.date, float] | None) -> Trend | None:
    """A stream's trend: at least one dated multiplier (sorted here; a mapping has no repeats)."""
    if points is None:
        return None
    if not points:
        r.fail(path, "scenario.missing", "a trend needs at least one dated multiplier")
        return None
    return Trend(tuple(sorted(points.items())))


def read_limit(r: Reader, path: PathT, steps: Mapping[dt.date, float] | None) -> Limit | None:
    """A stream's daily ceilings from their dates on."""
    if steps is None:
        return None
    if not steps:
        r.fail(path, "scenario.missing", "a limit needs at least one dated ceiling")
        return None
    return Limit(tuple(sorted(steps.items())))
