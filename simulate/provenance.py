"""Provenance: which software a run was made with, for replication files, goldens and reports.

Re-runs of a scenario on one *build* (this fingerprint) are bit-identical; on another Python,
numpy, SimPy, durable_rules or platform the last bits of a float may differ, so a stored result
says which build made it.
"""

from __future__ import annotations

import importlib.metadata
import platform
from dataclasses import astuple, dataclass, fields


def package_version(name: str) -> str:
    """The installed version of the distribution *name*, or ``"not installed"``."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def policysim_version() -> str:
    return package_version("policysim")


@dataclass(frozen=True)
class Build:
    """The software and platform a run's floats depend on, besides its inputs."""

    policysim: str
    python: str                     # implementation and version, "CPython 3.12.3"
    numpy: str
    simpy: str
    durable_rules: str
    machine: str                    # platform.machine(), "x86_64"
    system: str                     # platform.system(), "Linux"

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def differences(self, other: Build) -> tuple[tuple[str, str, str], ...]:
        """``(field, ours, theirs)`` for every field where *other* differs, in field order."""
        return tuple((f.name, a, b) for f, a, b in zip(fields(self), astuple(self), astuple(other), strict=True)
                     if a != b)


def current_build() -> Build:
    """The build this process runs on."""
    return Build(policysim=policysim_version(),
                 python=f"{platform.python_implementation()} {platform.python_version()}",
                 numpy=package_version("numpy"), simpy=package_version("simpy"),
                 durable_rules=package_version("durable-rules"),
                 machine=platform.machine(), system=platform.system())
