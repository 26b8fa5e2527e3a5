"""The sensitivity run as tables: ``sensitivity.json`` and ``sensitivity.csv`` (the ranking per
target), and with observed figures ``sensitivity-points.csv`` (each design point's values, its
implausibility per observation, whether it is ruled out, and each target's verdict there).

A second file, not more rows in ``sensitivity.csv``: a table has one kind of row.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

from policy.atomic import atomic_writer

from .sensitivity import CONFIDENCE, FIELDS, RESAMPLES, SensitivityResult
from .sensitivity_matching import Matching
from .worlds import Share

POINTS_CSV = "sensitivity-points.csv"


def sensitivity_json(result: SensitivityResult) -> dict[str, Any]:
    """The ``sensitivity.json`` document: the run, the assumptions varied, and per measure its ranking."""
    fields = FIELDS[result.method]
    return {"scenario": result.scenario, "title": result.title, "seed": result.seed, "method": result.method,
            "size": result.size, "replications": result.replications, "worlds": result.worlds,
            "confidence": CONFIDENCE, "bootstrap_resamples": RESAMPLES,
            "assumptions": [{"name": a.name, "value": a.value, "low": a.low, "high": a.high, "source": a.source,
                             "integer": a.integer, "group": a.group} for a in result.assumptions],
            "measures": [{"target": m.target, "metric": m.metric, "limit": m.limit, "point": m.point,
                          "ranking": [{"rank": r + 1, "assumption": i.assumption, "members": list(i.members),
                                       "low": i.low, "high": i.high,
                                       **{f: _finite(getattr(i, f)) for f in fields}}
                                      for r, i in enumerate(m.influences)]} for m in result.measures],
            **({} if result.matching is None else matching_json(result, result.matching))}


def _share(s: Share) -> dict[str, Any]:
    return {"k": s.k, "n": s.n, "share": _finite(s.share), "low": _finite(s.low), "high": _finite(s.high)}


def matching_json(result: SensitivityResult, matching: Matching) -> dict[str, Any]:
    """The observations, the share of design points surviving them, per target the share of
    points holding (all and surviving), and every point judged."""
    names = [a.name for a in result.assumptions]
    return {"observed": [{"name": o.name, "metric": o.metric, "value": o.value, "sd": o.sd, "source": o.source}
                         for o in matching.observed],
            "surviving": _share(matching.surviving),
            "targets": [{"target": t.target, "metric": t.metric, "limit": t.limit, "holds": _share(t.holds),
                         "holds_plausible": _share(t.holds_plausible)} for t in matching.targets],
            "points": [{"point": p.index, "values": dict(zip(names, p.values, strict=True)),
                        "implausibility": {k: _finite(x) for k, x in p.implausibility},
                        "ruled_out": list(p.ruled_out), "verdicts": dict(p.statuses)} for p in matching.points]}


def points_csv(result: SensitivityResult, matching: Matching) -> bytes:
    """One row per design point: the assumptions' values, I per observation, ruled_out, each target's verdict."""
    names = [a.name for a in result.assumptions]
    observed = [o.name for o in matching.observed]
    targets = [t.target for t in matching.targets]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["point", *names, *(f"implausibility.{o}" for o in observed), "ruled_out", *targets])
    for p in matching.points:
        scores, statuses = dict(p.implausibility), dict(p.statuses)
        writer.writerow([p.index, *(repr(v) for v in p.values),
                         *(_cell(scores[o]) if math.isfinite(scores[o]) else "inf" for o in observed),
                         " ".join(p.ruled_out), *(statuses.get(t, "") for t in targets)])
    return text.getvalue().encode("utf-8")


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else x


def sensitivity_csv(result: SensitivityResult) -> bytes:
    """One row per measure and factor, ranked: the indices, their CIs, the tornado's ends and the
    factor's members (space-separated)."""
    fields = FIELDS[result.method]
    lines = [",".join(("target", "metric", "rank", "assumption", *fields, "low_end", "high_end", "point", "members"))]
    for m in result.measures:
        for r, i in enumerate(m.influences):
            cells = [m.target, m.metric, str(r + 1), i.assumption,
                     *(_cell(getattr(i, f)) for f in fields), _cell(i.low), _cell(i.high), _cell(m.point),
                     " ".join(i.members)]
            lines.append(",".join(_quoted(c) for c in cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _cell(x: float | None) -> str:
    return "" if x is None or not math.isfinite(x) else repr(float(x))


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n') else cell


def write_tables(result: SensitivityResult, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``sensitivity.json`` and ``sensitivity.csv`` (and with observations
    ``sensitivity-points.csv``) into *out_dir* atomically."""
    out = Path(out_dir)
    with atomic_writer(out / "sensitivity.json") as f:
        json.dump(sensitivity_json(result), f, ensure_ascii=False, indent=2)
        f.write("\n")
    with atomic_writer(out / "sensitivity.csv", binary=True) as b:
        b.write(sensitivity_csv(result))
    if result.matching is not None:
        with atomic_writer(out / POINTS_CSV, binary=True) as b:
            b.write(points_csv(result, result.matching))
    return out / "sensitivity.json", out / "sensitivity.csv"

