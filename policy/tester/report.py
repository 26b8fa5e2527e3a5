"""Reporters over a test :class:`Run`: text for people, JSON for tools, JUnit XML for CI."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from .runner import Result, Run


def _verdict(result: Result) -> str:
    return "PASS" if result.passed else ("ERROR" if result.error else "FAIL")


def render_text(run: Run, verbose: bool = False) -> str:
    """Per-case lines (failures with expected vs actual and the deciding rule), then coverage."""
    lines = []
    for r in run.results:
        if r.passed and not verbose:
            continue
        lines.append(f"{_verdict(r)}  {r.case.location}  {r.case.name}")
        if r.error:
            lines.append(f"      {r.error}")
        for failure in r.failures:
            lines.append(f"      {failure}")
        if r.decision is not None and not r.passed:
            matched = ", ".join(f"{m.rule} ({m.status})" for m in r.decision.matched) or "none"
            lines.append(f"      decided by {r.decision.rule or 'the default'}; matched: {matched}")
    passed = len(run.results) - len(run.failed)
    lines.append(f"{passed} passed, {len(run.failed)} failed")
    cov = run.coverage
    if cov is not None:
        total = len(cov.pack.rules)
        lines.append(f"rule coverage: {cov.percent:.1f}% ({total - len(cov.uncovered)} of {total} rules decide a case)")
        for rule in cov.uncovered:
            lines.append(f"  not exercised: {rule.id}  {rule.location}")
    return "\n".join(lines)


def render_json(run: Run) -> str:
    cov = run.coverage
    doc = {
        "passed": len(run.results) - len(run.failed),
        "failed": len(run.failed),
        "cases": [{
            "name": r.case.name, "file": r.case.location.file, "line": r.case.location.line,
            "status": _verdict(r).lower(), "failures": list(r.failures), "error": r.error,
            "decision": None if r.decision is None else r.decision.to_json(),
        } for r in run.results],
        "coverage": None if cov is None else {
            "percent": round(cov.percent, 2),
            "uncovered": [{"rule": rule.id, "file": rule.location.file, "line": rule.location.line}
                          for rule in cov.uncovered],
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def render_junit(run: Run, suite: str) -> str:
    root = ET.Element("testsuites")
    node = ET.SubElement(root, "testsuite", name=suite, tests=str(len(run.results)),
                         failures=str(sum(1 for r in run.failed if not r.error)),
                         errors=str(sum(1 for r in run.failed if r.error)))
    for r in run.results:
        case = ET.SubElement(node, "testcase", name=r.case.name, classname=suite,
                             file=r.case.location.file, line=str(r.case.location.line))
        if r.error:
            ET.SubElement(case, "error", message=r.error)
        elif r.failures:
            ET.SubElement(case, "failure", message="; ".join(r.failures)).text = "\n".join(r.failures)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
