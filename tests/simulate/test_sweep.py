"""Sweeps: --vary parsing and located errors, the grid, common random numbers across variants,
cost per day, and sequential precision (replications added until the CI is tight enough)."""

from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
import pytest

from policy import FileFormatError
from simulate import InlineExecutor, load_scenario, run_experiment
from simulate.demand import draw_arrivals
from simulate.results import Statistic
from simulate.scenario_reader import Override
from simulate.sweep import Plan, cost_per_day, next_count, precise, run_info, run_sweep
from simulate.variants import grid, load_variants, parse_vary, scenario_digest

from .conftest import MMC, SCENARIOS

BLOSSOM = SCENARIOS / "blossom-weekend.yaml"
STAFF = "shifts.round-the-clock.0.staff"


def small_gate(folder):
    """One staffed gate, 6 hours, M/M/c: about 35 ms a replication with the reference engine."""
    path = folder / "small-gate.yaml"
    path.write_text(f"extends: {MMC}\nname: small-gate\n"
                    "horizon: {start: 2020-03-16T00:00, hours: 6, warmup_min: 0}\n"
                    "targets: {p95_wait_min: 4, max_queue: 15}\n", encoding="utf-8")
    return path


def test_values_are_a_whole_number_range_or_a_list():
    assert parse_vary("patrols.mountain.team=1..3").values == (1, 2, 3)
    assert parse_vary("a.b=2").values == (2,)
    assert parse_vary("a.b=0.5, 0.8,closed").values == (0.5, 0.8, "closed")


@pytest.mark.parametrize(("text", "code"), [
    ("nothing", "vary.syntax"), ("=1..2", "vary.syntax"), ("a.b=", "vary.syntax"),
    ("a..b=1", "vary.path"), ("a.b=3..1", "vary.range"), ("a.b=1..x", "vary.range"),
    ("a.b=1,,2", "vary.values"), ("a.b=1,1", "vary.values"),
])
def test_a_malformed_vary_names_the_flag(text, code):
    with pytest.raises(FileFormatError) as caught:
        parse_vary(text)
    message = str(caught.value)
    assert message.startswith(f"--vary {text}: ") and message.endswith(f"[{code}]") and "\n" not in message


@pytest.mark.parametrize(("text", "says"), [
    ("shifts.township-gate.0.staf=2..4", "shifts.township-gate[0] has no 'staf' (fields: from, to, staff)"),
    ("shifts.township-gate.7.staff=2", "shifts.township-gate has no '7' (items 0–1)"),
    ("patrols.nowhere.team=1", "patrols has no 'nowhere'"),
    ("road_block_queue.size=1", "road_block_queue has no 'size' (it is 15)"),
])
def test_a_path_not_in_the_scenario_is_a_located_error(text, says):
    with pytest.raises(FileFormatError) as caught:
        load_variants(BLOSSOM, [parse_vary(text)])
    assert str(caught.value).startswith(f"--vary {text}: ") and says in str(caught.value)


def test_a_bad_value_is_reported_at_the_flag_not_in_the_file():
    with pytest.raises(FileFormatError) as caught:
        load_variants(BLOSSOM, [parse_vary("patrols.mountain.team=0..2")])
    assert str(caught.value) == ("--vary patrols.mountain.team=0..2: patrols.mountain.team: "
                                 "0 is out of range: expected at least 1 [scenario.range]")


def test_overrides_apply_before_validation_and_leave_the_base_alone():
    base = load_scenario(BLOSSOM)
    changed = load_scenario(BLOSSOM, [Override(("shifts", "township-gate", "0", "staff"), 5, "--vary x")])
    assert changed.shifts["township-gate"].shifts[0].staff == 5
    again = load_scenario(BLOSSOM)
    assert base.shifts["township-gate"].shifts[0].staff == 2 == again.shifts["township-gate"].shifts[0].staff
    assert changed.streams == base.streams and changed.seed == base.seed


def test_the_grid_is_the_cartesian_product_in_flag_order():
    combos = grid([parse_vary("a=1..2"), parse_vary("b=x,y,z")])
    assert [tuple(value for _, value in c) for c in combos] == [
        (1, "x"), (1, "y"), (1, "z"), (2, "x"), (2, "y"), (2, "z")]
    with pytest.raises(FileFormatError, match=r"a is varied twice \[vary.duplicate\]"):
        grid([parse_vary("a=1"), parse_vary("a=2")])


def test_variants_share_the_seed_and_the_visitors():
    variants = load_variants(BLOSSOM, [parse_vary("shifts.township-gate.0.staff=2..3"),
                                       parse_vary("patrols.mountain.team=1,3")])
    assert len(variants) == 4 and len({v.digest for v in variants}) == 4
    assert {v.scenario.seed for v in variants} == {load_scenario(BLOSSOM).seed}
    assert variants[3].label == "shifts.township-gate.0.staff=3, patrols.mountain.team=3"
    assert variants[3].scenario.name == "blossom-weekend[shifts.township-gate.0.staff=3, patrols.mountain.team=3]"
    first, last = variants[0].scenario, variants[3].scenario
    for a_stream, b_stream in zip(first.streams, last.streams, strict=True):
        a = draw_arrivals(a_stream, first.horizon, first.seed, 1)
        b = draw_arrivals(b_stream, last.horizon, last.seed, 1)
        assert all(np.array_equal(getattr(a, f.name), getattr(b, f.name)) for f in fields(a) if f.name != "stream")


def test_the_digest_is_of_content_not_of_place(tmp_path):
    copy = tmp_path / "elsewhere.yaml"
    copy.write_text(f"extends: {BLOSSOM}\n", encoding="utf-8")
    assert scenario_digest(copy) != scenario_digest(BLOSSOM)           # the name differs (file stem)
    title = load_scenario(BLOSSOM).title
    copy.write_text(f"extends: {BLOSSOM}\nname: blossom-weekend\ntitle: {title}\nseed: 99\n", encoding="utf-8")
    assert scenario_digest(copy) == scenario_digest(BLOSSOM)           # the seed is the run's, not the content's
    staffed = [Override(("shifts", "township-gate", "0", "staff"), 3, "x")]
    assert scenario_digest(BLOSSOM, staffed) != scenario_digest(BLOSSOM)


def test_cost_is_staff_hours_per_day_with_volunteers_and_patrols():
    base = run_experiment(load_scenario(BLOSSOM), 1, executor=InlineExecutor()).replications
    more = run_experiment(load_scenario(SCENARIOS / "blossom-volunteers.yaml"), 1, seed=load_scenario(BLOSSOM).seed,
                          executor=InlineExecutor()).replications
    # 2 township gates × (2 staff × 16 h + 1 × 8 h) + 12 village entrances × 40 h + 7 chiefs
    # (卡口长, the roster) × 12 h at their entrances + patrols, per day
    patrol_hours = base[0].patrol_person_min / 60 / base[0].days
    assert cost_per_day(base) == pytest.approx(2 * 40 + 12 * 40 + 7 * 12 + patrol_hours)
    # volunteers: 2 gates × 2 staff × 5 h + 4 entrances × 1 × 5 h, both days are weekend days
    assert cost_per_day(more) - cost_per_day(base) == pytest.approx(2 * 2 * 5 + 4 * 5)


def _stat(n, mean, half):
    return Statistic("m", n, mean, half, mean - 1, mean + 1)


def test_precision_is_the_half_width_within_a_share_of_the_mean():
    assert precise(_stat(10, 100.0, 5.0), 5) and not precise(_stat(10, 100.0, 5.1), 5)
    assert precise(_stat(10, 0.0, 0.0), 5) and not precise(_stat(10, 0.0, 0.1), 5)
    assert not precise(_stat(1, 100.0, math.inf), 5) and not precise(None, 5)
    # the projection n·(h/h*)², at most doubling, at least one more, at most the cap
    assert next_count(10, [_stat(10, 100.0, 6.0)], 5, 100) == 15
    assert next_count(10, [_stat(10, 100.0, 50.0)], 5, 100) == 20
    assert next_count(10, [_stat(10, 100.0, 5.01)], 5, 100) == 11
    assert next_count(10, [_stat(10, 100.0, 50.0)], 5, 12) == 12


def test_a_fixed_sweep_equals_running_each_variant_alone(tmp_path):
    path = small_gate(tmp_path)
    variants = load_variants(path, [parse_vary(f"{STAFF}=3..4")])
    sweep = run_sweep(variants, run_info(variants, "digest", 11, ()), Plan(3), InlineExecutor())
    assert [v.settings for v in sweep.variants] == [((STAFF, 3),), ((STAFF, 4),)]
    for v, variant in zip(sweep.variants, variants, strict=True):
        alone = run_experiment(variant.scenario, 3, 11, executor=InlineExecutor())
        assert v.experiment == alone and v.precise
    assert sweep.variants[1].cost == pytest.approx(sweep.variants[0].cost * 4 / 3)


def _made_up(scenario_name, waits):
    """replicate() stand-in: replication k of a variant has p95 wait waits[k % len(waits)], queue 5."""
    from simulate.results import Containment, GateResult, ReplicationResult

    def replicate(scenario, k, seed):
        wait = waits[scenario.name][k % len(waits[scenario.name])]
        g = GateResult("g", "township", "", 10, 10, wait / 2, wait, wait, 1.0, 5, 0.0, 0.5, 360.0, {}, (10,))
        c = Containment(10, 10, 0, 0, 0, 0, 0, {}, 0.0, 0)
        return ReplicationResult(scenario.name, k, seed, 0.25, (g,), c, {}, (), 0.0, ())
    return replicate


def test_precision_adds_replications_until_the_interval_is_tight(tmp_path, monkeypatch):
    import simulate.sweep
    variants = load_variants(small_gate(tmp_path), [parse_vary(f"{STAFF}=3,4")])
    tight, loose = (v.scenario.name for v in variants)
    monkeypatch.setattr(simulate.sweep, "replicate", _made_up(tight, {tight: (9.0, 11.0), loose: (5.0, 15.0)}))
    sweep = run_sweep(variants, run_info(variants, "digest", 5, ()), Plan(4, precision=10.0, cap=10), InlineExecutor())
    first, second = sweep.variants
    # 9, 11, 9, 11: half-width t(0.975, 3)·√(4/3)/2 = 1.837 > 10 % of 10, so 4·(1.837/1)² → 13.5, at most
    # doubled: 8. Then t(0.975, 7)·√(8/7)/√8 = 2.364624·√(1/7) = 0.8937 ≤ 1: precise with 8.
    wait = {s.metric: s for s in first.experiment.statistics}["all.wait_p95_min"]
    assert (len(first.experiment.replications), first.precise) == (8, True)
    assert (wait.mean, wait.half_width) == pytest.approx((10.0, 2.3646242510 / math.sqrt(7)), rel=1e-9)
    # 5, 15, …: half-width 9.19 at 4 (→ 8), 4.47 at 8 (→ 16, capped at 10), and at 10, the cap,
    # t(0.975, 9)·√(250/9)/√10 = 2.262157·5/3 = 3.77 > 1: it stops there, imprecise.
    wait = {s.metric: s for s in second.experiment.statistics}["all.wait_p95_min"]
    assert (len(second.experiment.replications), second.precise) == (10, False)
    assert wait.half_width == pytest.approx(2.2621571628 * 5 / 3, rel=1e-9)
    assert [r.replication for r in second.experiment.replications] == list(range(10))   # always 0 … n-1: CRN
