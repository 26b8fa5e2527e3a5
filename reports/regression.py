"""Golden scenario summaries for CI: store a run's per-metric means and 95 % intervals, and
report every metric whose re-run mean leaves its stored interval.

With the same code, seed and replications a re-run is identical, so a drift means the model,
the pack or the scenario changed what leadership would read. ``--update`` is how a deliberate
change is accepted.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policy.errors import FileFormatError, Location, error
from policy.atomic import atomic_writer
from simulate import ExperimentResult

FORMAT = 1


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
class Golden:
    """A stored summary: where it came from and each metric's mean and half-width."""

    scenario: str
    source: str
    seed: int
    replications: int
    metrics: dict[str, tuple[float, float]]


def golden_of(experiment: ExperimentResult, source: str) -> Golden:
    """The golden summary of *experiment*, run from the scenario file *source*."""
    metrics = {s.metric: (s.mean, s.half_width) for s in experiment.statistics if math.isfinite(s.mean)}
    return Golden(experiment.scenario, source, experiment.seed, len(experiment.replications), metrics)


def write_golden(golden: Golden, path: Path) -> None:
    doc = {"format": FORMAT, "scenario": golden.scenario, "source": golden.source, "seed": golden.seed,
           "replications": golden.replications,
           "metrics": {name: {"mean": m, "half_width": h if math.isfinite(h) else None}
                       for name, (m, h) in sorted(golden.metrics.items())}}
    with atomic_writer(path) as out:
        json.dump(doc, out, ensure_ascii=False, indent=1, sort_keys=True)
        out.write("\n")


def read_golden(path: Path) -> Golden:
    """A stored golden; a malformed file is a located error."""
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
        metrics = {name: (float(v["mean"]), math.inf if v["half_width"] is None else float(v["half_width"]))
                   for name, v in doc["metrics"].items()}
        return Golden(str(doc["scenario"]), str(doc["source"]), int(doc["seed"]), int(doc["replications"]),
                      metrics)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise error(FileFormatError, "golden.format", f"not a golden summary: {exc}", Location(str(path))) from None


def drifts(golden: Golden, experiment: ExperimentResult) -> list[Drift]:
    """Every stored metric whose new mean is outside ``mean ± half-width`` (or is gone)."""
    now = {s.metric: s.mean for s in experiment.statistics}
    out = []
    for name, (mean, half) in sorted(golden.metrics.items()):
        new = now.get(name)
        slack = max(half, 1e-9 * max(1.0, abs(mean)))
        if new is None or not math.isfinite(new) or abs(new - mean) > slack:
            out.append(Drift(golden.scenario, name, mean, half, new))
    return out
