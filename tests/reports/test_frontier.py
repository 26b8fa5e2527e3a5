"""The frontier: per target the cheapest variants that meet it with confidence (the whole CI
within the limit), ties kept; the sweep page is self-contained and escapes scenario text."""

from __future__ import annotations

import csv
import io
import math
import re

import pytest

from reports.frontier import ALL, frontier, frontier_csv, sweep_report
from simulate import ExperimentResult, Statistic, Target, Verdict
from simulate.sweep import SweepResult, VariantResult

TARGETS = (Target("p95_wait_min", "all.wait_p95_min", 10.0), Target("leaks_per_day", "all.leaks_per_day", 1.0))


def variant(index, cost, wait, leaks, name="base"):
    """A variant whose metrics have the given (mean, half-width, verdict), verdicts stated by hand."""
    stats, verdicts = [], []
    for target, (mean, half, status) in zip(TARGETS, (wait, leaks), strict=True):
        stats.append(Statistic(target.metric, 5, mean, half, mean - half, mean + half))
        verdicts.append(Verdict(target.name, target.metric, target.limit, mean, half, status))
    experiment = ExperimentResult(f"{name}[staff={index}]", name, 1, (), tuple(stats), tuple(verdicts))
    return VariantResult(index, (("shifts.gate.0.staff", index),), experiment, cost, True)


def sweep_of(*variants, name="base"):
    return SweepResult(name, name, 1, ("shifts.gate.0.staff=0..4",), TARGETS, None, tuple(variants))


# limits: wait ≤ 10, leaks ≤ 1
SWEEP = sweep_of(
    variant(0, 100.0, (14.0, 1.0, "fails"), (0.5, 0.2, "holds")),
    variant(1, 120.0, (9.0, 2.0, "unclear"), (0.9, 0.2, "unclear")),   # wait up to 11, leaks up to 1.1
    variant(2, 140.0, (6.0, 1.0, "holds"), (0.7, 0.2, "holds")),       # cheapest for wait and for all
    variant(3, 140.0, (5.0, 1.0, "holds"), (2.0, 0.5, "fails")),       # wait at the same cost: a tie
    variant(4, 160.0, (2.0, 0.5, "holds"), (0.1, 0.05, "holds")),      # both, dearer
)


def test_the_cheapest_variants_that_meet_each_target_with_confidence():
    wait, leaks, every = frontier(SWEEP)
    assert (wait.target, wait.meeting, wait.cheapest) == ("p95_wait_min", (2, 3, 4), (2, 3))
    assert (leaks.target, leaks.meeting, leaks.cheapest) == ("leaks_per_day", (0, 2, 4), (0,))
    assert (every.target, every.meeting, every.cheapest) == (ALL, (2, 4), (2,))


def test_the_frontier_table_lists_meeting_variants_cheapest_first_with_their_interval():
    rows = list(csv.reader(io.StringIO(frontier_csv(SWEEP, frontier(SWEEP)).decode("utf-8"))))
    wait = [(r[3], r[5], r[6], r[7], r[8], r[9]) for r in rows[1:] if r[0] == "p95_wait_min"]
    assert wait == [("2", "140.0", "6.0", "5.0", "7.0", "yes"), ("3", "140.0", "5.0", "4.0", "6.0", "yes"),
                    ("4", "160.0", "2.0", "1.5", "2.5", "")]
    assert [r[3] for r in rows[1:] if r[0] == ALL] == ["2", "4"]


def test_a_target_no_variant_meets_has_an_empty_frontier():
    sweep = sweep_of(variant(0, 100.0, (14.0, 1.0, "fails"), (3.0, 0.1, "fails")),
                     variant(1, 90.0, (12.0, 3.0, "unclear"), (0.6, 0.2, "holds")))
    wait, leaks, every = frontier(sweep)
    assert wait.cheapest == () and every.cheapest == () and leaks.cheapest == (1,)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_sweep_report_files(lang):
    evil = '<script>alert("x")</script>'
    waits = [(12.0, 0.5, "fails"), (9.0, 0.5, "holds"), (6.0, 0.5, "holds"), (3.0, 0.5, "holds")]
    sweep = sweep_of(*(variant(i, 100.0 + 10 * i, waits[i], (0.5, 0.1, "holds"), name=evil) for i in range(4)),
                     name=evil)
    files = dict(sweep_report(sweep, lang, cap=None).files)
    assert list(files)[-1] == "sweep.html"
    assert files["figures/frontier.png"].startswith(b"\x89PNG")
    page = files["sweep.html"].decode("utf-8")
    assert evil not in page and "&lt;script&gt;" in page
    assert not re.search(r'(src|href)="(?!data:)', page)         # self-contained: nothing to fetch
    assert ("最低成本" if lang == "zh" else "Cheapest variants") in page
    rows = list(csv.DictReader(io.StringIO(files["frontier.csv"].decode("utf-8"))))
    cheapest = {(r["target"], r["variant"]) for r in rows if r["cheapest"] == "yes"}
    assert cheapest == {("p95_wait_min", "1"), ("leaks_per_day", "0"), (ALL, "1")}
    table = list(csv.DictReader(io.StringIO(files["sweep.csv"].decode("utf-8"))))
    assert [r["shifts.gate.0.staff"] for r in table] == ["0", "1", "2", "3"]
    assert [r["p95_wait_min.status"] for r in table] == ["fails", "holds", "holds", "holds"]
    assert math.isclose(float(table[2]["cost_staff_hours_per_day"]), 120.0)
