"""The season's days: a horizon given by its last date, a stream's dated trend and limit, and
thinning that keeps its promises under them (rate ≤ bound; more demand, a superset of visitors)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.errors import FileFormatError
from simulate import load_scenario
from simulate.demand import Limit, Stream, Trend, draw_arrivals
from simulate.horizon import Horizon

from .conftest import SCENARIOS

D = dt.date
FLAT = (1 / 24,) * 24
SEASON = Horizon(dt.datetime(2020, 2, 9), 82 * 1440.0, frozenset({D(2020, 4, 4), D(2020, 4, 5), D(2020, 4, 6)}))


def stream(trend=None, limit=None, volume=None) -> Stream:
    return Stream("t", "tourist", "township", volume or {"weekday": 60.0, "weekend": 400.0, "holiday": 500.0},
                  FLAT, trend=trend, limit=limit)


def test_a_trend_is_linear_between_its_dates_and_flat_outside():
    trend = Trend(((D(2020, 2, 9), 0.05), (D(2020, 3, 10), 0.35), (D(2020, 4, 18), 1.0)))
    s = stream(trend)
    assert s.volume_on(D(2020, 1, 1), "weekend") == pytest.approx(400 * 0.05)
    assert s.volume_on(D(2020, 2, 24), "weekend") == pytest.approx(400 * 0.2)     # 15 of 30 days: halfway
    assert s.volume_on(D(2020, 3, 10), "weekday") == pytest.approx(60 * 0.35)
    assert s.volume_on(D(2020, 5, 30), "holiday") == pytest.approx(500.0)
    assert stream().volume_on(D(2020, 2, 24), "weekend") == 400.0


def test_a_limit_caps_each_day_from_its_date_on():
    s = stream(Trend(((D(2020, 2, 9), 1.0),)), Limit(((D(2020, 1, 24), 0.0), (D(2020, 4, 4), 120.0))))
    assert s.volume_on(D(2020, 1, 23), "weekend") == 400.0       # before the first date: no ceiling
    assert s.volume_on(D(2020, 3, 1), "weekend") == 0.0          # closed
    assert s.volume_on(D(2020, 4, 4), "holiday") == 120.0        # reopened under a cap
    assert s.volume_on(D(2020, 4, 7), "weekday") == 60.0         # below the cap


def test_the_expected_count_is_the_sum_of_the_days_volumes():
    trend = Trend(((D(2020, 2, 9), 0.1), (D(2020, 4, 18), 1.2)))
    s = stream(trend, Limit(((D(2020, 4, 25), 100.0),)))
    days = [SEASON.start.date() + dt.timedelta(days=d) for d in range(82)]
    assert s.expected_count(SEASON) == pytest.approx(sum(s.volume_on(d, SEASON.day_type(d)) for d in days))
    _, rates, bounds = s.bounds(SEASON)
    assert np.all(rates <= bounds)                                # a multiplier above 1 raises the bound
    assert bounds.max() * 60 * 24 == pytest.approx(512)            # Qingming, 500 × 0.98 = 488: up to 2^9
    _, rates, bounds = stream(Trend(((D(2020, 2, 9), 1.5),))).bounds(SEASON)
    assert np.all(rates <= bounds)
    assert bounds.max() * 60 * 24 == pytest.approx(1024)           # 500 × 1.5 = 750: up to 2^10


def test_without_trend_or_limit_the_bound_is_the_day_types_largest_volume():
    bounds = stream().bounds(SEASON)[2]
    assert np.allclose(bounds * 60 * 24, 512.0)


@given(st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3), st.floats(0.0, 0.5), st.integers(0, 3))
def test_more_demand_by_trend_draws_a_superset_of_visitors(low, more, replication):
    dates = (D(2020, 2, 9), D(2020, 3, 1), D(2020, 3, 20), D(2020, 4, 18))
    lower = Trend((*zip(dates, low, strict=False), (dates[-1], 1.0)))
    higher = Trend((*zip(dates, [min(1.0, m + more) for m in low], strict=False), (dates[-1], 1.0)))
    few = draw_arrivals(stream(lower), SEASON, 7, replication)
    many = draw_arrivals(stream(higher), SEASON, 7, replication)
    assert set(few.times) <= set(many.times)
    kept = np.isin(many.times, few.times)
    assert np.array_equal(many.behaviour[kept], few.behaviour)  # the same parties, the same uniforms


def test_the_season_runs_from_its_start_to_its_last_day_inclusive():
    season = load_scenario(SCENARIOS / "season-spring-2020.yaml")
    assert season.horizon.start == dt.datetime(2020, 2, 9)
    assert season.horizon.days == 82                               # 9 Feb – 30 Apr 2020 (a leap year)
    assert season.horizon.date_at(season.horizon.length_min - 1) == D(2020, 4, 30)
    tourists = {s.id: s for s in season.streams}["tourists"]
    assert tourists.volume_on(D(2020, 4, 18), "weekend") == 400.0  # blossom-weekend's peak
    assert tourists.volume_on(D(2020, 3, 14), "weekend") == 100.0  # the baseline's March weekend
    named = {a.name: a for a in season.assumptions}
    assert named["streams.tourists.trend.2020-02-09"].value == 0.05


def test_a_world_moves_a_dated_trend_point():
    season = load_scenario(SCENARIOS / "season-spring-2020.yaml", world={"streams.tourists.trend.2020-02-09": 0.1})
    tourists = {s.id: s for s in season.streams}["tourists"]
    assert tourists.volume_on(D(2020, 2, 9), "weekend") == pytest.approx(40.0)


@pytest.mark.parametrize(("text", "line", "field", "message", "code"), [
    ("horizon:\n  start: 2020-04-09T06:00\n  end: 2020-04-08\n", 4, "horizon.end",
     "the last day 2020-04-08 is before the start 2020-04-09 06:00:00", "scenario.range"),
    ("horizon:\n  start: 2020-04-09T00:00\n  days: 3\n  end: 2020-04-20\n", 5, "horizon.end",
     "give one of days, hours or end, not days and end", "scenario.conflict"),
    ("streams:\n  tourists:\n    trend: {}\n", 4, "streams.tourists.trend",
     "a trend needs at least one dated multiplier", "scenario.missing"),
])
def test_a_mistake_in_the_days_is_one_located_line(variant, text, line, field, message, code):
    path = variant(SCENARIOS / "baseline-march-weekend.yaml", text)
    with pytest.raises(FileFormatError) as caught:
        load_scenario(path)
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.location.line) == (code, line)
    assert str(caught.value).endswith(f": {field}: {message} [{code}]")


def test_an_end_in_an_extending_file_replaces_the_bases_days(variant):
    text = "horizon:\n  start: 2020-04-09T12:00\n  end: 2020-04-10\n"
    path = variant(SCENARIOS / "baseline-march-weekend.yaml", text)
    assert load_scenario(path).horizon.length_min == 36 * 60.0


def test_a_vary_of_the_length_replaces_the_files_length():
    from simulate.scenario_reader import Override
    season = SCENARIOS / "season-spring-2020.yaml"
    shorter = load_scenario(season, [Override(("horizon", "end"), "2020-03-01", "--vary horizon.end")])
    assert shorter.horizon.days == 22
    assert load_scenario(season, [Override(("horizon", "days"), 3, "--vary horizon.days")]).horizon.days == 3
