"""Scenario variants: ``--vary PATH=VALUES`` overrides, their grid, and a portable digest.

A *vary* names a dotted path into the merged scenario document (``shifts.township-gate.0.staff``,
``patrols.mountain.team``) and the values to try (``2..6`` — an integer range — or ``a,b,c``).
The grid is the cartesian product of every vary; each variant is the base scenario with its
settings applied before validation and keeps the base's seed, so all variants see the same
visitors (common random numbers). A mistake names the flag as typed, on one line.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from policy.errors import FileFormatError, Location, error

from .assumptions import resolve_assumptions
from .scenario import Scenario, load_scenario
from .scenario_reader import Override, override, resolve

Value = int | float | str

# Each variant loads and validates a scenario and runs its replications: 10,000 variants is
# already days of work on a laptop; a bigger grid is a typo (0..1000000000) or a job to split.
MAX_VARIANTS = 10_000
# Settings a variant cannot change: every variant runs on the run's seed (common random numbers,
# so variants differ by their staffing, not by their luck) and the run's replication count.
RUN_SETTINGS = {
    "seed": "all variants run on the one seed of the run by design (common random numbers); "
            "use --seed for another seed, and separate runs to compare seeds",
    "replications": "every variant runs the replications of the run: use --replications",
}


@dataclass(frozen=True)
class Vary:
    """One ``--vary`` flag: a dotted *path* and the *values* to try there, in order."""

    path: str
    values: tuple[Value, ...]
    flag: str                       # as typed, for errors and provenance


@dataclass(frozen=True)
class Variant:
    """The base scenario with *settings* (path, value) applied: one point of the grid."""

    index: int
    settings: tuple[tuple[str, Value], ...]
    scenario: Scenario
    digest: str                     # content hash of the merged, overridden scenario and its pack
    base: str                       # the base scenario's name

    @property
    def label(self) -> str:
        """``path=value, …`` (empty for the base scenario itself)."""
        return ", ".join(f"{path}={value}" for path, value in self.settings)


def _flag(text: str) -> str:
    return f"--vary {text}"


def _value(item: str) -> Value:
    for kind in (int, float):
        try:
            return kind(item)
        except ValueError:
            pass
    return item


def parse_vary(text: str) -> Vary:
    """``PATH=a..b`` (whole numbers a to b) or ``PATH=a,b,c``; :class:`FileFormatError` otherwise."""
    where = Location(_flag(text))
    path, eq, values = text.partition("=")
    path, values = path.strip(), values.strip()
    if not eq or not path or not values:
        raise error(FileFormatError, "vary.syntax",
                    "expected PATH=VALUES, e.g. shifts.township-gate.0.staff=2..6", where)
    if any(not part for part in path.split(".")):
        raise error(FileFormatError, "vary.path", f"{path!r} is not a dotted path (empty part)", where)
    if path in RUN_SETTINGS:
        raise error(FileFormatError, "vary.run-setting", f"{path} cannot be varied: {RUN_SETTINGS[path]}", where)
    if ".." in values:
        low, _, high = values.partition("..")
        try:
            a, b = int(low), int(high)
        except ValueError:
            raise error(FileFormatError, "vary.range",
                        f"{values!r}: a range is two whole numbers a..b", where) from None
        if a > b:
            raise error(FileFormatError, "vary.range", f"{values!r}: the range is empty ({a} > {b})", where)
        if b - a + 1 > MAX_VARIANTS:
            raise error(FileFormatError, "vary.too-many",
                        f"{values!r}: {b - a + 1} values, more than the {MAX_VARIANTS:,} variants a sweep runs",
                        where)
        return Vary(path, tuple(range(a, b + 1)), text)
    items = [item.strip() for item in values.split(",")]
    if any(not item for item in items):
        raise error(FileFormatError, "vary.values", f"{values!r}: an empty value in the list", where)
    if len(set(items)) != len(items):
        raise error(FileFormatError, "vary.values", f"{values!r}: a value is repeated", where)
    return Vary(path, tuple(_value(item) for item in items), text)


def grid(varies: Sequence[Vary]) -> tuple[tuple[tuple[Vary, Value], ...], ...]:
    """Every combination of the varies' values (the first vary changes slowest)."""
    paths = [v.path for v in varies]
    for i, path in enumerate(paths):
        if path in paths[:i]:
            raise error(FileFormatError, "vary.duplicate", f"{path} is varied twice", Location(_flag(varies[i].flag)))
    size = math.prod(len(v.values) for v in varies)
    if size > MAX_VARIANTS:
        raise error(FileFormatError, "vary.too-many",
                    f"the grid has {size:,} variants, more than the {MAX_VARIANTS:,} a sweep runs "
                    "(split it into several sweeps)", Location(" ".join(_flag(v.flag) for v in varies)))
    return tuple(tuple(zip(varies, combo, strict=True))
                 for combo in itertools.product(*(v.values for v in varies)))


def overrides_of(settings: Sequence[tuple[Vary, Value]]) -> tuple[Override, ...]:
    return tuple(Override(tuple(v.path.split(".")), value, _flag(v.flag)) for v, value in settings)


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return [[str(k), _canonical(v)] for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)                                      # dates and date-times


def pack_digest(pack: str | Path) -> str:
    """SHA-256 over a pack folder's files (relative names and bytes): the same on any machine."""
    h = hashlib.sha256()
    root = Path(pack)
    for file in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(file.relative_to(root).as_posix().encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
    return h.hexdigest()


def scenario_digest(path: str | Path, overrides: Sequence[Override] = (),
                    world: Mapping[str, float] | None = None) -> str:
    """Content hash of the merged scenario after *overrides*, with its pack's content in place of
    its (machine-specific) path; ``seed`` and ``replications`` are left out (a run states its own).
    Assumptions count by the value the model uses (the *world*'s, else the point value), so
    stating a number as an assumption, or widening its range, leaves the digest as it was."""
    source = resolve(path)
    source, _, _ = resolve_assumptions(override(source, overrides) if overrides else source, world)
    data = dict(source.data)
    data.pop("seed", None)
    data.pop("replications", None)
    data.setdefault("name", Path(path).stem)           # as load_scenario names it
    pack = data.pop("pack", None)
    data["pack"] = pack_digest(pack) if isinstance(pack, str) and (Path(pack) / "pack.yaml").is_file() else None
    text = json.dumps(_canonical(data), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def base_variant(path: str | Path) -> Variant:
    """The scenario at *path* as the one variant of a plain run (no settings)."""
    scenario = load_scenario(path)
    return Variant(0, (), scenario, scenario_digest(path), scenario.name)


def load_variants(path: str | Path, varies: Sequence[Vary]) -> tuple[Variant, ...]:
    """Every variant of the scenario at *path* over the grid of *varies*, validated.

    A variant's name is the base's with its settings in brackets; its seed is the base's.
    """
    out = []
    for i, settings in enumerate(grid(varies)):
        overrides = overrides_of(settings)
        scenario = load_scenario(path, overrides)
        label = ", ".join(f"{v.path}={value}" for v, value in settings)
        out.append(Variant(i, tuple((v.path, value) for v, value in settings),
                           replace(scenario, name=f"{scenario.name}[{label}]"),
                           scenario_digest(path, overrides), scenario.name))
    return tuple(out)
