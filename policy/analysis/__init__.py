"""Analysis of packs for authors and CI: exhaustive checks, declared properties, change impact."""

from .check import check_decision, check_pack
from .diff import Breakdown, ChangedRecord, DecisionImpact, Impact, Transition, diff_lines, diff_records
from .findings import KINDS, Finding
from .properties import Property, check_properties, holds_for, load_properties

__all__ = ["KINDS", "Finding", "Property", "check_decision", "check_pack", "check_properties",
           "holds_for", "load_properties"]
# change impact (policy/analysis/diff.py)
__all__ += ["Breakdown", "ChangedRecord", "DecisionImpact", "Impact", "Transition", "diff_lines",
            "diff_records"]
