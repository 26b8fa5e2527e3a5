"""Replications on disk: one JSON file each, for resuming interrupted runs and merging shards.

A run with an output folder writes every replication as it finishes to
``DIR/replications/<variant digest>/r<index>.json`` (atomically), with its provenance: the
policysim version, the run (base scenario name and content digest, seed, ``--vary`` flags,
title and targets) and the variant (name, digest, settings). ``--resume`` reuses the files
whose provenance matches; ``policysim merge`` joins folders of shards into one experiment per
variant, refusing mixed runs and gaps, and counting each replication once. Floats are written
in their shortest round-trip form, so a result read back is bit-identical to the one written.

Each file carries the SHA-256 of its canonical content, so a file edited by hand is refused
(naming it) rather than silently reused. Nothing stored is deleted: a fresh run (no
``--resume``) replaces the files it writes and keeps the others, and a replication folder
that is a symbolic link is refused, so a run never writes or deletes outside ``--out``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from policy.atomic import atomic_writer
from policy.errors import FileFormatError, Location, PolicysimError, error

from .results import Containment, ExperimentResult, GateResult, QueueSeries, ReplicationResult, StaffSeries
from .scenario import Target
from .summary import experiment_of

FORMAT = "policysim-replication/1"
FOLDER = "replications"
CHECKSUM = "sha256"                 # the key holding the checksum of the rest of the document
# A replication of the shipped scenarios is 10–100 kB; a file past this is not one we wrote,
# and reading it whole could exhaust memory.
MAX_RECORD_BYTES = 64 * 1024 * 1024


class OutputFolderError(PolicysimError):
    """``--out`` cannot hold the run: not a folder, not writable, or a symbolic link where
    replications are stored."""


@dataclass(frozen=True)
class RunInfo:
    """What makes replications of different folders joinable: the same run of the same scenario."""

    scenario: str                   # the base scenario's name
    digest: str                     # the base scenario's content digest
    seed: int
    vary: tuple[str, ...]           # the --vary flags as typed ((): a plain run)
    title: str
    targets: tuple[Target, ...]

    def key(self) -> tuple[str, str, int, tuple[str, ...]]:
        return self.scenario, self.digest, self.seed, self.vary


@dataclass(frozen=True)
class VariantInfo:
    """One variant of a run: its place in the grid, scenario name, digest and settings (path, value)."""

    index: int
    name: str
    digest: str
    settings: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Record:
    """One replication as stored, with its provenance and where it was read from."""

    version: str
    run: RunInfo
    variant: VariantInfo
    result: ReplicationResult
    path: str


def encode(result: ReplicationResult) -> dict[str, Any]:
    """*result* as plain JSON data (tuples become lists)."""
    return asdict(result)


def decode(data: Mapping[str, Any]) -> ReplicationResult:
    """The :class:`ReplicationResult` that :func:`encode` turned into *data*."""
    gates = tuple(GateResult(**{**g, "outcomes": dict(g["outcomes"]), "wait_histogram": tuple(g["wait_histogram"])})
                  for g in data["gates"])
    c = data["containment"]
    return ReplicationResult(
        scenario=data["scenario"], replication=data["replication"], seed=data["seed"], days=data["days"],
        gates=gates, containment=Containment(**{**c, "leaks": dict(c["leaks"])}),
        rule_hits={d: dict(hits) for d, hits in data["rule_hits"].items()},
        queues=tuple(QueueSeries(q["gate"], q["step_min"], tuple(q["lengths"])) for q in data["queues"]),
        patrol_person_min=data["patrol_person_min"],
        staffing=tuple(StaffSeries(s["gate"], s["step_min"], tuple(s["on_duty_min"]), tuple(s["busy_min"]))
                       for s in data["staffing"]),
        daily={name: tuple(v) for name, v in data.get("daily", {}).items()},
        rule_hits_daily={d: {rule: tuple(v) for rule, v in hits.items()}
                         for d, hits in data.get("rule_hits_daily", {}).items()})


def record_path(out_dir: str | Path, variant_digest: str, replication: int) -> Path:
    return Path(out_dir) / FOLDER / variant_digest[:16] / f"r{replication:06d}.json"


def checksum(doc: Mapping[str, Any]) -> str:
    """SHA-256 of *doc* without its checksum, in canonical JSON (sorted keys, no spaces, shortest floats)."""
    body = {k: v for k, v in doc.items() if k != CHECKSUM}
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_record(out_dir: str | Path, version: str, run: RunInfo, variant: VariantInfo,
                 result: ReplicationResult) -> Path:
    """Write one replication's file atomically, with its checksum; return its path."""
    doc = {"format": FORMAT, "policysim": version,
           "run": {"scenario": run.scenario, "digest": run.digest, "seed": run.seed, "vary": list(run.vary),
                   "title": run.title, "targets": [[t.name, t.metric, t.limit] for t in run.targets]},
           "variant": {"index": variant.index, "name": variant.name, "digest": variant.digest,
                       "settings": [list(s) for s in variant.settings]},
           "replication": result.replication, "result": encode(result)}
    doc[CHECKSUM] = checksum(doc)
    path = record_path(out_dir, variant.digest, result.replication)
    refuse_links(out_dir, variant.digest)
    with atomic_writer(path, binary=True) as f:
        f.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return path


def read_record(path: Path) -> Record:
    """One replication file; a :class:`FileFormatError` naming it when it is not one, or when its
    content no longer matches its checksum (edited since it was written)."""
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise ValueError(f"larger than {MAX_RECORD_BYTES // 2**20} MiB")
        doc = json.loads(path.read_bytes())
        if not isinstance(doc, dict):
            raise ValueError(f"expected a JSON object, got {type(doc).__name__ if doc is not None else 'null'}")
        if doc.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        if CHECKSUM not in doc:
            raise ValueError("it has no checksum (written by an older policysim?): run without --resume")
        if doc[CHECKSUM] != checksum(doc):
            raise error(FileFormatError, "store.checksum",
                        "changed after it was written (its content does not match its sha256 checksum): "
                        "remove it, or run without --resume to write it again", Location(str(path)))
        run, variant = doc["run"], doc["variant"]
        info = RunInfo(run["scenario"], run["digest"], int(run["seed"]), tuple(run["vary"]), run["title"],
                       tuple(Target(n, m, float(limit)) for n, m, limit in run["targets"]))
        result = decode(doc["result"])
        if result.replication != doc["replication"] or result.seed != info.seed:
            raise ValueError("the replication or seed inside does not match its provenance")
        return Record(doc["policysim"], info,
                      VariantInfo(int(variant["index"]), variant["name"], variant["digest"],
                                  tuple(tuple(s) for s in variant["settings"])),
                      result, str(path))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise error(FileFormatError, "store.record", f"not a replication file: {_one_line(exc)}",
                    Location(str(path))) from None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if isinstance(exc, ValueError) else f"{exc.__class__.__name__}: {text}"


def read_records(out_dir: str | Path) -> list[Record]:
    """Every replication file under ``out_dir/replications`` (temporary files are skipped)."""
    root = Path(out_dir) / FOLDER
    return [read_record(p) for p in sorted(root.glob("*/r*.json"))] if root.is_dir() else []


def completed(out_dir: str | Path, version: str, run: RunInfo, variant_digest: str) -> dict[int, ReplicationResult]:
    """Replications of *variant_digest* already on disk for this *run* and policysim *version* (others are ignored)."""
    folder = record_path(out_dir, variant_digest, 0).parent
    done = {}
    for path in sorted(folder.glob("r*.json")) if folder.is_dir() else ():
        record = read_record(path)
        if record.run.key() == run.key() and record.variant.digest == variant_digest and record.version == version:
            done[record.result.replication] = record.result
    return done


def refuse_links(out_dir: str | Path, variant_digest: str | None = None) -> None:
    """:class:`OutputFolderError` when ``out_dir/replications`` or a variant's folder in it is a
    symbolic link: writing there would change files outside ``--out``."""
    root = Path(out_dir) / FOLDER
    places = [root] if variant_digest is None else [root, record_path(out_dir, variant_digest, 0).parent]
    for place in places:
        if place.is_symlink():
            raise error(OutputFolderError, "store.symlink",
                        "is a symbolic link: replications are stored only inside --out (remove the link)",
                        Location(str(place)))


def kept(out_dir: str | Path, variant_digest: str, written: Iterable[int]) -> list[str]:
    """Names of the stored files of a variant that a run writing replications *written* left alone."""
    folder = record_path(out_dir, variant_digest, 0).parent
    names = {f"r{k:06d}.json" for k in written}
    return sorted(p.name for p in folder.glob("r*.json") if p.name not in names) if folder.is_dir() else []


def prepare_out(out_dir: str | Path) -> Path:
    """Make sure *out_dir* is, or can become, a writable folder, before any work is done.

    :class:`OutputFolderError` naming the place when something in the way is not a folder (a
    file, a dangling symbolic link), the folder cannot be created or written, or its
    ``replications`` folder is a symbolic link. The folder is created (empty) when missing.
    """
    out = Path(out_dir)
    for place in (out, *out.parents):
        if place.is_symlink() and not place.exists():
            what = "is a symbolic link to nothing" if place == out else f"{place} is a symbolic link to nothing"
            raise error(OutputFolderError, "out.dangling", what, Location(str(out)))
        if place.exists() and not place.is_dir():
            what = "exists and is not a folder" if place == out else f"{place} is not a folder"
            raise error(OutputFolderError, "out.not-a-folder", what, Location(str(out)))
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".policysim-probe-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise error(OutputFolderError, "out.unwritable",
                    f"cannot write here: {exc.strerror or exc.__class__.__name__}", Location(str(out))) from None
    refuse_links(out)
    return out


@dataclass(frozen=True)
class Merged:
    """Shards joined: the run they belong to and, per variant (grid order), its experiment."""

    run: RunInfo
    variants: tuple[VariantInfo, ...]
    experiments: tuple[ExperimentResult, ...]


def merge(dirs: Sequence[str | Path]) -> Merged:
    """Join the replication files of *dirs* into one experiment per variant.

    Refuses files of different runs (scenario, digest, seed, varies), two different results for
    one replication, and gaps (an experiment is replications 0 … n-1). A replication found in
    several folders with the same result counts once.
    """
    records = [r for d in dirs for r in read_records(d)]
    if not records:
        raise error(FileFormatError, "merge.empty",
                    "no replication files found (expected DIR/replications/…/r*.json)",
                    Location(", ".join(map(str, dirs))))
    first = records[0]
    by_variant: dict[str, dict[int, Record]] = {}
    variants: dict[str, VariantInfo] = {}
    for r in records:
        if r.run.key() != first.run.key():
            raise error(FileFormatError, "merge.mixed",
                        f"belongs to another run ({_describe(r.run)}) than {first.path} ({_describe(first.run)})",
                        Location(r.path))
        if r.version != first.version:
            raise error(FileFormatError, "merge.version",
                        f"written by policysim {r.version}, {first.path} by {first.version}", Location(r.path))
        seen = by_variant.setdefault(r.variant.digest, {})
        variants.setdefault(r.variant.digest, r.variant)
        other = seen.get(r.result.replication)
        if other is not None and other.result != r.result:
            raise error(FileFormatError, "merge.conflict",
                        f"replication {r.result.replication} differs from the one in {other.path}", Location(r.path))
        seen.setdefault(r.result.replication, r)
    experiments, infos = [], []
    for digest, found in by_variant.items():
        n = max(found) + 1
        missing = [k for k in range(n) if k not in found]
        if missing:
            raise error(FileFormatError, "merge.gap",
                        f"{variants[digest].name}: replications {_ranges(missing)} are missing "
                        f"(have {len(found)} of 0–{n - 1})",
                        Location(", ".join(map(str, dirs))))
        info = variants[digest]
        infos.append(info)
        experiments.append(experiment_of(info.name, first.run.title, first.run.seed, first.run.targets,
                                         [found[k].result for k in range(n)]))
    order = sorted(range(len(infos)), key=lambda i: infos[i].index)
    return Merged(first.run, tuple(infos[i] for i in order), tuple(experiments[i] for i in order))


def _describe(run: RunInfo) -> str:
    vary = f", vary {' '.join(run.vary)}" if run.vary else ""
    return f"scenario {run.scenario} sha256:{run.digest[:12]}, seed {run.seed}{vary}"


def _ranges(indices: Sequence[int]) -> str:
    spans: list[list[int]] = []
    for k in indices:
        if spans and spans[-1][1] == k - 1:
            spans[-1][1] = k
        else:
            spans.append([k, k])
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans)
