"""Admission: a pack is run by durable_rules only once it has decided every cell without error.

``policy check`` compares durable_rules with the reference cell by cell; this module is the
part of that proof every other command needs before it trusts the C engine with a pack:
each cell of every period decided in a child process (``engine_run.py``), with no crash and
no error code. A pack that fails is refused with one located diagnostic naming the rules
that match the breaking input. A proof is remembered by the digest of what durable_rules is
given (every period's compiled rules, the engine version and the compiler's shard bounds):
in this process, and as an empty marker file in the user's cache folder, so it is paid once
per pack content, not on every command.
"""

from __future__ import annotations

import hashlib
import os
from importlib import metadata
from pathlib import Path

from .. import compile as compile_
from ..errors import Diagnostic, PackError
from ..ir import Pack
from ..partition import periods
from ..reference import ReferenceEngine
from .engine_run import run_isolated, schedule

CACHE_ENV = "POLICYSIM_CACHE"  # folder of admission markers; "off" disables the file cache
MAX_NAMED = 8  # rules named in the refusal; the rest are counted
_ADMITTED: set[str] = set()


def pack_digest(pack: Pack) -> str:
    """What durable_rules is given for *pack*, as a digest: the compiled rules of every period."""
    bounds = f"{compile_.SHARD_RULES}/{compile_.SHARD_WIDTH}"
    h = hashlib.sha256(f"durable_rules {_engine_version()} shards {bounds}".encode())
    for name, spec in pack.decisions.items():
        for period in periods(pack, name):
            digest = compile_.compile_rules(spec, period.rules).digest
            h.update(f"|{name}:{period.index}:{period.start}:{digest}".encode())
    return h.hexdigest()[:32]


def admit(pack: Pack) -> None:
    """Return when durable_rules decides every cell of *pack* without error or crash; else
    raise :class:`PackError` located at a rule matching the breaking input."""
    digest = pack_digest(pack)
    marker = _marker(digest)
    if digest in _ADMITTED or (marker is not None and marker.is_file()):
        _ADMITTED.add(digest)
        return
    from ..durable import DurableEngine  # durable imports this module lazily too

    run = run_isolated(pack, lambda p: DurableEngine(p, cache=False, admit=False))
    failure = run.failures[0] if run.failures else None
    if failure is None and run.breakdown is None:
        _ADMITTED.add(digest)
        _remember(marker)
        return
    if failure is not None:
        (key, how) = failure
        _, spec, day, cell = next(item for item in schedule(pack) if item[0] == key)
        decision, facts, what = spec.name, cell.facts, f"fails ({how})"
    else:
        assert run.breakdown is not None
        decision, day, facts = run.breakdown.decision, run.breakdown.day, run.breakdown.facts
        what = run.breakdown.how
    matched = ReferenceEngine(pack).decide_facts(decision, facts, day).matched if facts else ()
    ids = [m.rule for m in matched]
    rules = {r.id: r for r in pack.rules_for(decision)}
    location = rules[ids[0]].location if ids else pack.decisions[decision].location
    named = ", ".join(ids[:MAX_NAMED]) + (f" and {len(ids) - MAX_NAMED} more" if len(ids) > MAX_NAMED else "")
    raise PackError([Diagnostic(
        "engine.cannot-run",
        f"durable_rules {what} on an input of {decision} that {len(ids)} rule{'s' * (len(ids) != 1)} "
        f"match ({named or 'none'}); the pack is refused (see `policy check`)", location)])


def remember(pack: Pack) -> None:
    """Record that durable_rules decided every cell of *pack* without error (``check`` proved it)."""
    digest = pack_digest(pack)
    _ADMITTED.add(digest)
    _remember(_marker(digest))


def _engine_version() -> str:
    try:
        return metadata.version("durable_rules")
    except metadata.PackageNotFoundError:
        return "unknown"


def _marker(digest: str) -> Path | None:
    folder = os.environ.get(CACHE_ENV)
    if folder == "off":
        return None
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "policysim")
    return Path(folder) / "admitted" / digest


def _remember(marker: Path | None) -> None:
    """Leave the marker; a cache folder that cannot be written only costs the proof next time."""
    if marker is None:
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass
