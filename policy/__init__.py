"""policysim's policy layer: load a pack of declarative rules, decide and explain cases.

Public API (everything ``simulate``, ``reports`` and the CLI may use)::

    pack = load_pack("policy/packs/xiongerzhai-2020")
    engine = DurableEngine(pack)            # the engine of record; ReferenceEngine is the spec
    d = engine.decide("gate_admission", record, at=datetime.date(2020, 3, 14))
    d.outcome, d.rule, d.matched, d.obligations, d.reason, d.policy

This package never imports SimPy, matplotlib or the CLI.
"""

from .coverage import RuleCoverage
from .durable import DurableEngine
from .engine import Decision, Engine, Match
from .errors import Diagnostic, FileFormatError, Location, PackError, PolicysimError, RecordError
from .ir import BoolField, DecisionSpec, EnumField, Field, NumberField, Pack, Reason, Rule
from .loader import load_pack
from .reference import ReferenceEngine

__all__ = [
    "BoolField",
    "Decision",
    "DecisionSpec",
    "Diagnostic",
    "DurableEngine",
    "Engine",
    "EnumField",
    "Field",
    "FileFormatError",
    "Location",
    "Match",
    "NumberField",
    "Pack",
    "PackError",
    "PolicysimError",
    "Reason",
    "RecordError",
    "ReferenceEngine",
    "Rule",
    "RuleCoverage",
    "load_pack",
]
