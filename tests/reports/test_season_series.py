"""The season's series over replications, against answers worked out by hand."""

import dataclasses
import datetime as dt
import math

import pytest

from simulate import QueueSeries, SeasonSeries, StaffSeries, season_series
from simulate.season_series import QUEUE_MAX, bands, replication_daily, week_value, weeks_of, world_weeks
from simulate.student_t import t_quantile

from .season_results import experiment, gate, replication


def test_band_is_the_mean_and_its_t_interval_per_day():
    (b,) = bands([{"home_observation": (1.0, 3.0)}, {"home_observation": (3.0, 5.0)}])
    half = t_quantile(0.975, 1) * 1.0           # sd √2 over √2 replications
    assert b.mean == (2.0, 4.0)
    assert b.low == pytest.approx((2.0 - half, 4.0 - half))
    assert b.high == pytest.approx((2.0 + half, 4.0 + half))


def test_one_replication_has_no_band():
    (b,) = bands([{"visits": (4.0,)}])
    assert b.mean == (4.0,) and math.isnan(b.low[0]) and math.isnan(b.high[0])


def test_a_missing_series_counts_zero():
    bs = {b.series: b for b in bands([{"a": (2.0,)}, {"b": (4.0,)}])}
    assert bs["a"].mean == (1.0,) and bs["b"].mean == (2.0,)


def test_worst_queue_and_staff_hours_per_day_from_the_public_series():
    r = replication(0, {"home_observation": (0.0, 0.0), "visit_staff_min": (120.0, 30.0)},
                    queues=(QueueSeries("g1", 720.0, (1, 4, 2, 0)), QueueSeries("v1", 720.0, (0, 5, 3, 0))),
                    staffing=(StaffSeries("g1", 60.0, (60.0,) * 48, (0.0,) * 48),
                              StaffSeries("v1", 60.0, (120.0,) * 48, (0.0,) * 48)),
                    gates=(gate("g1", "township"), gate("v1", "village")))
    daily = replication_daily(r)
    assert daily[QUEUE_MAX] == (5.0, 3.0)                    # the worst gate, day by day
    assert daily["staff_hours.township"] == (24.0, 24.0)
    assert daily["staff_hours.village"] == (48.0, 48.0)
    assert daily["staff_hours.home_service"] == (2.0, 0.5)
    noon = replication_daily(r, offset_min=720.0)            # the horizon starts at noon: samples shift a day
    assert noon[QUEUE_MAX] == (1.0, 5.0)
    assert noon["staff_hours.township"] == (12.0, 36.0)


def test_weeks_run_from_the_first_day_and_the_last_is_short():
    weeks = weeks_of(dt.date(2020, 2, 9), 10)
    assert [(w.start, w.end) for w in weeks] == [(0, 6), (7, 9)]
    assert weeks[1].first == dt.date(2020, 2, 16) and weeks[1].last == dt.date(2020, 2, 18)
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    assert week_value(values, weeks[1], "sum") == 27.0
    assert week_value(values, weeks[1], "mean") == 9.0
    assert week_value(values, weeks[1], "max") == 10.0


def test_season_weeks_verdicts_and_rule_hits():
    days = 9
    reps = [replication(k, {"home_observation": tuple(float(k + 1) for _ in range(days)),
                            "observation_exits": tuple(1.0 if d == 0 else 0.0 for d in range(days)),
                            "returners_arrived": (2.0,) * days},
                        queues=(QueueSeries("g1", 1440.0, tuple(10 if d == 8 else 1 for d in range(days))),),
                        hits={"return_deferral": {"r1": (1,) * days}})
            for k in range(3)]
    s = season_series(experiment(reps, {"max_queue": ("all.queue_max", 5.0),
                                        "exits": ("all.observation_exits_per_day", 0.5),
                                        "leaks": ("all.leaks_per_day", 1.0)}),
                      dt.datetime(2020, 2, 9))
    assert isinstance(s, SeasonSeries) and s.days == days and len(s.weeks) == 2
    assert s.week_means["home_observation"] == (2.0, 2.0)     # stocks: the mean day
    assert s.week_means["returners_arrived"] == (14.0, 4.0)   # flows: the week's total
    assert s.week_means[QUEUE_MAX] == (1.0, 10.0)             # the queue: the week's worst day
    verdict = {(v.week, v.target): v for v in s.verdicts}
    assert verdict[(0, "max_queue")].status == "holds" and verdict[(1, "max_queue")].status == "fails"
    assert verdict[(0, "exits")].mean == pytest.approx(1 / 7) and verdict[(0, "exits")].status == "holds"
    assert verdict[(0, "leaks")].status == "not_weekly"       # these results carry no "unscreened" series
    assert s.rule_hits["return_deferral"]["r1"] == (1.0,) * days
    assert s.rule_hits_weekly["return_deferral"]["r1"] == (7.0, 2.0)


def test_every_target_with_a_daily_series_is_judged_by_week():
    days = 8
    reps = [replication(k, {"wait_p95_min": (1.0,) * 6 + (12.0 + k, 1.0),
                            "entries": (0.0,) * 7 + (3.0,),
                            "resident_crossings": (7.0,) * days,
                            "hill_person_min": (100.0,) * days,
                            "home_observation": (3.0,) * days})
            for k in range(3)]
    s = season_series(experiment(reps, {"p95": ("all.wait_p95_min", 10.0),
                                        "entries": ("all.entries_per_day", 1.0),
                                        "crossings": ("all.resident_crossings_per_day", 20.0),
                                        "hills": ("all.hill_person_min_per_day", 50.0),
                                        "blocked": ("all.blocked_min", 5.0)}),
                      dt.datetime(2020, 2, 9))
    verdict = {(v.week, v.target): v for v in s.verdicts}
    assert verdict[(0, "p95")].mean == pytest.approx(13.0) and verdict[(0, "p95")].status == "fails"
    assert verdict[(1, "p95")].mean == 1.0 and verdict[(1, "p95")].status == "holds"
    assert verdict[(0, "entries")].mean == 0.0 and verdict[(1, "entries")].mean == 3.0
    assert verdict[(1, "entries")].status == "fails"
    assert verdict[(0, "crossings")].status == "holds" and verdict[(0, "hills")].status == "fails"
    assert verdict[(0, "blocked")].status == "not_weekly"      # a season total, no weekly form
    assert not any(v.target == "home_service_capacity" for v in s.verdicts)   # no capacity series


def test_a_week_whose_busiest_day_is_over_the_capacity_fails_the_check():
    days = 9
    reps = [replication(k, {"home_observation": (5.0,) * 7 + (12.0 + k, 2.0),
                            "home_service_capacity": (8.0,) * days})
            for k in range(3)]
    s = season_series(experiment(reps, {}), dt.datetime(2020, 2, 9))
    checks = [v for v in s.verdicts if v.target == "home_service_capacity"]
    assert [(v.week, v.limit, v.status) for v in checks] == [(0, 8.0, "holds"), (1, 8.0, "fails")]
    assert checks[1].mean == pytest.approx(13.0)
    assert s.week_means["home_service_capacity"] == (8.0, 8.0)


def test_a_worlds_weekly_verdicts_from_its_replications():
    p95 = tuple([2.0] * 7 + [20.0] * 7 + [9.0] * 3)          # 17 days: weeks of 7, 7 and 3
    reps = [replication(k, {"wait_p95_min": p95}) for k in range(2)]
    targets = [("p95_wait_min", "all.wait_p95_min", 10.0), ("blocked", "all.blocked_min", 5.0)]
    got = world_weeks(dt.datetime(2020, 2, 9, 6, 0), targets, reps)
    assert [(v.week, v.target, v.status) for v in got] == [(0, "p95_wait_min", "holds"), (1, "p95_wait_min", "fails"),
                                                           (2, "p95_wait_min", "holds")]
    weekend = dataclasses.replace(reps[0], daily={})
    assert world_weeks(dt.datetime(2020, 4, 4, 6, 0), targets, [weekend]) == ()
