"""Scenario comparison: verdict logic, paired differences per metric, best scenario, errors."""

import dataclasses

import pytest

from policy import PolicysimError
from reports import ComparisonError, compare
from simulate import Containment, ExperimentResult, GateResult, ReplicationResult, Verdict
from simulate.results import LEAK_PATHS


def gate(name, wait_p95, queue_max=3):
    return GateResult(gate=name, level="township", village="", arrivals=100, persons=150,
                      wait_mean_min=wait_p95 / 3, wait_p95_min=wait_p95, wait_max_min=wait_p95 * 2,
                      queue_mean=1.0, queue_max=queue_max, blocked_min=0.0, utilisation=0.5,
                      staff_min=1440.0, outcomes={"admit": 100}, wait_histogram=(100,) + (0,) * 9)


def replication(scenario, k, gates, leaks):
    containment = Containment(arrivals=200, persons=300, turned_back=50, held=0, handled_at_gate=2,
                              evasions=10, detected=6, leaks=dict.fromkeys(LEAK_PATHS, 0) | {"hotspot": leaks},
                              outsider_person_min=1000.0, undecided=0)
    return ReplicationResult(scenario=scenario, replication=k, seed=1, days=2.0, gates=tuple(gates),
                             containment=containment, rule_hits={"gate_admission": {"r1": 10}},
                             queues=(), patrol_person_min=600.0, staffing=())


def experiment(name, waits, leaks, limit_wait=10.0, seed=1, extra_gate=False):
    reps = tuple(replication(name, k, [gate("south", w)] + ([gate("north", 1.0)] if extra_gate else []), leak)
                 for k, (w, leak) in enumerate(zip(waits, leaks, strict=True)))
    verdicts = (Verdict("p95_wait_min", "all.wait_p95_min", limit_wait, 0.0, 0.0, "unclear"),
                Verdict("leaks_per_day", "all.leaks_per_day", 1.0, 0.0, 0.0, "unclear"))
    return ExperimentResult(name, name.title(), seed, reps, (), verdicts)


def test_differences_are_paired_per_replication():
    base = experiment("base", [8, 12, 10, 9], [4, 6, 5, 5])
    other = experiment("other", [5, 9, 8, 6], [1, 3, 2, 2])
    c = compare([base, other])
    m = c.metric("all.wait_p95_min")
    assert m.differences[0] is None
    # other − base = (-3, -3, -2, -3): mean -2.75, sd 0.5; half-width t(0.975, 3) · 0.5 / 2
    assert m.differences[1].mean == -2.75
    assert m.differences[1].half_width == pytest.approx(3.1824463052837 * 0.25, rel=1e-12)
    assert m.estimates[1].mean == 7.0
    leaks = c.metric("all.leaks_per_day")                    # per day over 2 days
    assert leaks.differences[1].mean == pytest.approx(-1.5)
    assert leaks.differences[1].half_width == 0.0            # every replication fell by 3 leaks


def test_verdicts_use_each_scenarios_own_limits():
    base = experiment("base", [8, 12, 10, 9], [4, 6, 5, 5], limit_wait=20)
    other = experiment("other", [5, 6, 5, 6], [1, 3, 2, 2], limit_wait=5)
    c = compare([base, other])
    assert c.verdict("base", "p95_wait_min").status == "holds"
    assert c.verdict("other", "p95_wait_min").status == "unclear"
    assert c.verdict("base", "leaks_per_day").status == "fails"
    assert c.verdict("other", "leaks_per_day").limit == 1.0


def test_best_scenario_per_target_and_whether_it_is_clear():
    base = experiment("base", [8, 12, 10, 9], [4, 6, 5, 5])
    better = experiment("better", [5, 9, 8, 6], [4, 6, 5, 5])
    similar = experiment("similar", [8.1, 11.9, 10.2, 8.9], [4, 6, 5, 5])
    c = compare([base, better, similar])
    wait = next(b for b in c.best if b.target == "p95_wait_min")
    assert (wait.scenario, wait.runner_up, wait.clear) == ("better", "base", True)
    leaks = next(b for b in c.best if b.target == "leaks_per_day")
    assert leaks.clear is False                              # a tie is not clearly better
    assert c.targets() == (("p95_wait_min", "all.wait_p95_min"), ("leaks_per_day", "all.leaks_per_day"))


def test_a_gate_one_scenario_lacks_has_no_estimate_there():
    base = experiment("base", [8, 12, 10], [1, 1, 1], extra_gate=True)
    other = experiment("other", [8, 12, 10], [1, 1, 1])
    m = compare([base, other]).metric("gate.north.wait_p95_min")
    assert m.estimates[0].mean == 1.0
    assert m.estimates[1] is None
    assert m.differences == (None, None)


@pytest.mark.parametrize(("other", "code"), [
    (experiment("other", [1, 2, 3], [0, 0, 0], seed=2), "compare.seed"),
    (experiment("other", [1, 2], [0, 0]), "compare.replications"),
    (experiment("base", [1, 2, 3], [0, 0, 0]), "compare.duplicate"),
])
def test_incomparable_experiments_are_a_users_mistake(other, code):
    base = experiment("base", [1, 2, 3], [0, 0, 0])
    with pytest.raises(ComparisonError) as info:
        compare([base, other])
    assert isinstance(info.value, PolicysimError)
    assert info.value.diagnostics[0].code == code
    assert "\n" not in str(info.value)


def test_comparison_records_are_frozen():
    c = compare([experiment("base", [1, 2, 3], [0, 0, 0])])
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.seed = 3
    assert c.base == "base"
    assert c.best[0].runner_up is None


def test_real_runs_agree_with_the_simulation_layers_verdicts(experiments):
    c = compare(experiments)
    for e in experiments:
        for v in e.verdicts:
            ours = c.verdict(e.scenario, v.target)
            assert (ours.estimate.mean, ours.estimate.half_width, ours.status) == (v.mean, v.half_width, v.status)
