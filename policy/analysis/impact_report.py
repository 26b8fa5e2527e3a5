"""An :class:`~policy.analysis.diff.Impact` as people read it (text) and as tools read it (JSON).

Text: per decision the transition matrix (old outcome in rows, new in columns, unchanged on
the diagonal), the changed cases by village and by role, and the first changed cases with
the rule that decided them before and after; then the summary line. JSON: the same, with
every changed case.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from .diff import Breakdown, ChangedRecord, DecisionImpact, Impact

UNDECIDED = "(undecided)"


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage a reader can compare (never a bare 0.0 for a change)."""
    if not whole:
        return "0%"
    value = 100.0 * part / whole
    if 0 < value < 0.1:
        return "<0.1%"
    return f"{value:.1f}%"


def summary_line(impact: Impact) -> str:
    return f"{impact.changed:,} of {impact.records:,} decisions change ({percent(impact.changed, impact.records)})"


def _width(text: str) -> int:
    """Columns *text* takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _name(outcome: str | None) -> str:
    return UNDECIDED if outcome is None else outcome


def _matrix(d: DecisionImpact) -> list[str]:
    seen = {t.old for t in d.transitions} | {t.new for t in d.transitions}
    names = [_name(o) for o in (*d.outcomes, None) if o in seen]
    counts = {(_name(t.old), _name(t.new)): t.count for t in d.transitions}
    head = max(len("old \\ new"), *(len(n) for n in names))
    widths = [max(len(c), *(len(f"{counts.get((r, c), 0):,}") for r in names)) for c in names]

    def row(label: str, cells: list[str]) -> str:
        return "  " + _pad(label, head) + "".join("  " + _pad(x, w, True) for x, w in zip(cells, widths, strict=True))

    lines = [row("old \\ new", names)]
    lines += [row(r, [f"{counts[(r, c)]:,}" if (r, c) in counts else "." for c in names]) for r in names]
    return lines


def _breakdown(title: str, rows: tuple[Breakdown, ...]) -> list[str]:
    moved = [b for b in rows if b.changed]
    if not moved:
        return []
    width = max(_width(b.name) for b in moved)
    lines = [f"  changed by {title}:"]
    lines += [f"    {_pad(b.name, width)}  {b.changed:>6,} of {b.records:>6,}  ({percent(b.changed, b.records)})"
              for b in moved]
    return lines


def _changed(record: ChangedRecord) -> str:
    reason = f": {record.new_reason.en}" if record.new_reason is not None else ""
    return (f"    {record.id} [{record.village}, {record.role}, {record.at}]  "
            f"{_name(record.old_outcome)} ({record.old_rule or 'default'}) → "
            f"{_name(record.new_outcome)} ({record.new_rule or 'default'}){reason}")


def render_text(impact: Impact, limit: int = 20) -> str:
    """The impact as a report; at most *limit* changed cases are listed per decision."""
    out = [f"policy diff {impact.old} → {impact.new} over {impact.source}", ""]
    for d in impact.decisions:
        out.append(f"{d.decision}: {d.changed:,} of {d.records:,} change ({percent(d.changed, d.records)})")
        out += _matrix(d)
        if d.rule_only:
            out.append(f"  {d.rule_only:,} more keep their outcome but are decided by another rule")
        out += _breakdown("village", d.by_village)
        out += _breakdown(f"role ({d.role_field})", d.by_role)
        if d.changed_records:
            out.append("  changed cases (old outcome (rule) → new outcome (rule): new reason):")
            out += [_changed(r) for r in d.changed_records[:limit]]
            if len(d.changed_records) > limit:
                out.append(f"    … and {len(d.changed_records) - limit:,} more")
        out.append("")
    if impact.errors:
        out.append(f"{len(impact.errors):,} bad lines were not compared")
    out.append(summary_line(impact))
    return "\n".join(out) + "\n"


def _record_json(record: ChangedRecord) -> dict[str, Any]:
    reason = record.new_reason
    return {"id": record.id, "line": record.line, "at": record.at.isoformat(), "village": record.village,
            "role": record.role,
            "old": {"outcome": record.old_outcome, "rule": record.old_rule},
            "new": {"outcome": record.new_outcome, "rule": record.new_rule,
                    "reason": None if reason is None else {"zh": reason.zh, "en": reason.en}}}


def impact_json(impact: Impact) -> dict[str, Any]:
    """The impact as one JSON-ready document."""
    return {
        "old": impact.old, "new": impact.new, "input": impact.source,
        "records": impact.records, "changed": impact.changed, "percent": round(impact.percent, 4),
        "decisions": [{
            "decision": d.decision, "records": d.records, "changed": d.changed,
            "percent": round(d.percent, 4), "rule_only": d.rule_only,
            "transitions": [{"old": t.old, "new": t.new, "count": t.count} for t in d.transitions],
            "by_village": [{"village": b.name, "records": b.records, "changed": b.changed} for b in d.by_village],
            "role_field": d.role_field,
            "by_role": [{"role": b.name, "records": b.records, "changed": b.changed} for b in d.by_role],
            "changed_records": [_record_json(r) for r in d.changed_records],
        } for d in impact.decisions],
        "errors": [e.to_json() for e in impact.errors],
    }


def render_json(impact: Impact) -> str:
    return json.dumps(impact_json(impact), ensure_ascii=False, indent=2) + "\n"
