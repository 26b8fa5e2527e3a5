"""Golden scenario runs for CI: store each metric's value in every replication, with the build
that made them, and report every metric a re-run moved.

Re-runs with the same inputs, seed and replications on one build are bit-identical, so on the
golden's own build any change at all in any replication's value is a move, named with its old
and new value. On another build (Python, numpy, SimPy, durable_rules, platform or policysim
differ) the last bits may differ for no reason in the model, so a re-run is held only to each
metric's stored 95 % interval, and says so. ``--update`` is how a deliberate change is accepted.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policy.atomic import atomic_writer
from policy.errors import FileFormatError, Location, error
from simulate import ExperimentResult
from simulate.provenance import Build

FORMAT = 2
_NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


@dataclass(frozen=True)
class StoredMetric:
    """One metric of a golden: its value in each replication, and their mean and 95 % half-width."""

    values: tuple[float, ...]
    mean: float
    half_width: float


@dataclass(frozen=True)
class Golden:
    """A stored run: where it came from, the build that made it, and every metric's values."""

    scenario: str
    source: str
    seed: int
    replications: int
    build: Build
    metrics: Mapping[str, StoredMetric]


@dataclass(frozen=True)
class Move:
    """A metric whose values changed on the golden's own build (or that appeared or vanished)."""

    scenario: str
    metric: str
    old: StoredMetric | None        # None: the metric is new
    new: StoredMetric | None        # None: the metric is gone

    def __str__(self) -> str:
        head = f"{self.scenario}: {self.metric}"
        if self.old is None or self.new is None:
            return (f"{head} is new (mean {self.new.mean!r})" if self.new else
                    f"{head} is gone (was mean {self.old.mean!r})" if self.old else head)
        differ = [i for i, (a, b) in enumerate(zip(self.old.values, self.new.values, strict=True)) if not same(a, b)]
        first = differ[0]
        return (f"{head} moved: mean {self.old.mean!r} → {self.new.mean!r}; {len(differ)} of "
                f"{len(self.old.values)} replications differ (replication {first}: "
                f"{self.old.values[first]!r} → {self.new.values[first]!r})")


@dataclass(frozen=True)
class Drift:
    """A metric of a golden scenario that moved out of its stored interval (or vanished)."""

    scenario: str
    metric: str
    old_mean: float
    old_half_width: float
    new_mean: float | None

    def __str__(self) -> str:
        new = "missing" if self.new_mean is None else f"{self.new_mean:.6g}"
        return (f"{self.scenario}: {self.metric} left its stored interval: was "
                f"{self.old_mean:.6g} ± {self.old_half_width:.3g}, now {new}")


@dataclass(frozen=True)
class Regression:
    """A golden held against its re-run: exactly (same build) or by intervals, and what failed."""

    golden: Golden
    build_changes: tuple[tuple[str, str, str], ...]   # (field, recorded, now); () on the same build
    failures: tuple[Move | Drift, ...]

    @property
    def exact(self) -> bool:
        return not self.build_changes

    def build_note(self) -> str:
        """One line naming the build fields that differ (empty on the same build)."""
        if self.exact:
            return ""
        changes = "; ".join(f"{name}: golden {old}, here {new}" for name, old, new in self.build_changes)
        return (f"golden {self.golden.scenario}: made on another build ({changes}), so compared "
                f"against its stored 95% intervals, not exactly")

    def summary(self) -> str:
        total, moved = len(self.golden.metrics), len(self.failures)
        if self.exact:
            return (f"golden {self.golden.scenario}: {total - moved} of {total} metrics identical in every "
                    f"replication (same build, exact)")
        return f"golden {self.golden.scenario}: {total - moved} of {total} metrics within their stored interval"


def same(a: float, b: float) -> bool:
    """Bit-for-bit equal (any NaN equals any NaN; 0.0 and -0.0 differ)."""
    return (math.isnan(a) and math.isnan(b)) or struct.pack("<d", a) == struct.pack("<d", b)


def metrics_of(experiment: ExperimentResult) -> dict[str, StoredMetric]:
    """Every metric of *experiment*: its value per replication (0 where one lacks it), mean, half-width."""
    rows = [r.metrics() for r in experiment.replications]
    return {s.metric: StoredMetric(tuple(row.get(s.metric, 0.0) for row in rows), s.mean, s.half_width)
            for s in experiment.statistics}


def golden_of(experiment: ExperimentResult, source: str, build: Build) -> Golden:
    """The golden of *experiment*, run from the scenario file *source* on *build*."""
    return Golden(experiment.scenario, source, experiment.seed, len(experiment.replications), build,
                  metrics_of(experiment))


def regression(golden: Golden, experiment: ExperimentResult, build: Build) -> Regression:
    """*experiment* (the golden's scenario re-run on *build*) held against *golden*."""
    changes = golden.build.differences(build)
    now = metrics_of(experiment)
    failures: list[Move | Drift] = []
    if changes:
        for name, stored in sorted(golden.metrics.items()):
            new = now.get(name)
            slack = max(stored.half_width, 1e-9 * max(1.0, abs(stored.mean)))
            if new is None or not math.isfinite(new.mean) or abs(new.mean - stored.mean) > slack:
                failures.append(Drift(golden.scenario, name, stored.mean, stored.half_width,
                                      None if new is None else new.mean))
    else:
        for name in sorted(golden.metrics.keys() | now.keys()):
            old, new = golden.metrics.get(name), now.get(name)
            if old is None or new is None or \
                    not all(same(a, b) for a, b in zip(old.values, new.values, strict=True)):
                failures.append(Move(golden.scenario, name, old, new))
    return Regression(golden, changes, tuple(failures))


def _number(x: float) -> float | str:
    return x if math.isfinite(x) else repr(x)


def _float(x: Any) -> float:
    if isinstance(x, str) and x in _NON_FINITE:
        return _NON_FINITE[x]
    if isinstance(x, int | float) and not isinstance(x, bool):
        return float(x)
    raise ValueError(f"{x!r} is not a number")


def _layout(value: Any, depth: int = 0) -> str:
    """JSON with sorted keys, nested mappings one key a line down to depth 2, anything deeper on its line."""
    if not isinstance(value, dict) or depth >= 2:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    pad = " " * (depth + 1)
    items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {_layout(v, depth + 1)}" for k, v in sorted(value.items())]
    return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"


def write_golden(golden: Golden, path: Path) -> None:
    """Write *golden* atomically: sorted keys, the build one field a line, each metric on its line."""
    doc = {"format": FORMAT, "scenario": golden.scenario, "source": golden.source, "seed": golden.seed,
           "replications": golden.replications, "build": golden.build.as_dict(),
           "metrics": {name: {"mean": _number(m.mean), "half_width": _number(m.half_width),
                              "values": [_number(v) for v in m.values]}
                       for name, m in golden.metrics.items()}}
    with atomic_writer(path) as out:
        out.write(_layout(doc) + "\n")


def read_golden(path: Path) -> Golden:
    """A stored golden; a malformed file (or one of another format) is a located error."""
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT:
            raise ValueError(f"format {doc.get('format')!r}, expected {FORMAT} "
                             f"(`policysim regress --update` rewrites it)")
        replications = int(doc["replications"])
        build = Build(**doc["build"])
        if not all(isinstance(v, str) for v in build.as_dict().values()):
            raise ValueError("build fields must be strings")
        metrics = {}
        for name, m in doc["metrics"].items():
            values = tuple(_float(v) for v in m["values"])
            if len(values) != replications:
                raise ValueError(f"{name} has {len(values)} values for {replications} replications")
            metrics[name] = StoredMetric(values, _float(m["mean"]), _float(m["half_width"]))
        return Golden(str(doc["scenario"]), str(doc["source"]), int(doc["seed"]), replications, build, metrics)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise error(FileFormatError, "golden.format", f"not a golden summary: {exc}", Location(str(path))) from None
