"""Small packs written into a temporary folder, for tests of loading and deciding."""

from __future__ import annotations

import textwrap
from pathlib import Path

PACK_YAML = """\
name: mini
version: {version}
decisions:
  gate:
    inputs:
      role: {{enum: [resident, tourist, delivery]}}
      has_pass: {{type: bool}}
      temperature_c: {{type: number, min: 34, max: 43, unit: °C}}
      since: {{type: date, required: false}}
    outcomes: [admit, turn_back, hold, handle]
    hit_policy: {hit_policy}
{default}
"""

RULES = """\
- id: fever
  decision: gate
  priority: 100
  when: {temperature_c: {gte: 37.3}}
  then: hold
  obligations: [retest]
  reason: {zh: 发热, en: fever}
  source: test
- id: resident
  decision: gate
  priority: 10
  when: {role: resident, has_pass: true}
  then: admit
  obligations: [register]
  reason: {zh: 居民, en: resident}
  source: test
- id: delivery
  decision: gate
  priority: 10
  when: {role: delivery}
  then: handle
  reason: {zh: 快递, en: delivery}
  source: test
  effective: {from: 2020-02-09, to: 2020-04-29}
"""


def write_pack(root: Path, rules: str = RULES, *, version: int = 1, hit_policy: str = "priority",
               default: str | None = "turn_back", pack_yaml: str | None = None,
               tests: str | None = None) -> Path:
    """Write a pack folder under *root* and return its path."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "rules").mkdir(exist_ok=True)
    header = pack_yaml or PACK_YAML.format(
        version=version, hit_policy=hit_policy,
        default=f"    default: {default}" if default else "")
    (root / "pack.yaml").write_text(header, encoding="utf-8")
    (root / "rules" / "r.yaml").write_text(textwrap.dedent(rules), encoding="utf-8")
    if tests is not None:
        (root / "tests").mkdir(exist_ok=True)
        (root / "tests" / "t.yaml").write_text(textwrap.dedent(tests), encoding="utf-8")
    return root
