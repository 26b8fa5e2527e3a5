"""Small hand-made season results for the season tests (no simulation)."""

from simulate import Containment, GateResult, ReplicationResult, Target
from simulate.summary import experiment_of


def gate(name, level="township"):
    return GateResult(name, level, "" if level == "township" else "v", 0, 0, 0.0, 0.0, 0.0, 0.0, 0, 0.0, 0.0,
                      0.0, {}, (0,) * 10)


def replication(k, daily, queues=(), staffing=(), gates=(), hits=None):
    containment = Containment(0, 0, 0, 0, 0, 0, 0, {}, 0.0, 0)
    return ReplicationResult("s", k, k, float(len(next(iter(daily.values())))), gates, containment, {}, queues,
                             0.0, staffing, daily=daily, rule_hits_daily=hits or {})


def experiment(reps, targets=None, name="s"):
    targets = [Target(t, metric, limit) for t, (metric, limit) in (targets or {}).items()]
    return experiment_of(name, "title", 1, targets, reps)
