"""docs/model.md stays true to the repository: its variants are shipped scenarios, its method
ids are entries of docs/sources.md, and its contents links reach its headings."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MODEL = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
SOURCES = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")


def shipped_names() -> set[str]:
    """The `name:` of every shipped scenario file."""
    return {yaml.safe_load(p.read_text(encoding="utf-8"))["name"] for p in (ROOT / "scenarios").glob("*.yaml")}


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_variant_in_the_tables_is_a_shipped_scenario() -> None:
    header = next(line for line in MODEL.splitlines() if line.startswith("| measure (30 replications)"))
    variants = [cell.strip() for cell in header.strip("|").split("|")[1:]]
    experiments = re.findall(r"^\| `([a-z0-9-]+)` \|", MODEL, flags=re.M)
    assert len(variants) == 6 and set(experiments) == set(variants)
    assert set(variants) <= shipped_names()


def test_every_method_id_cited_has_an_entry_in_sources() -> None:
    cited = set(re.findall(r"(?<![\w-])(M-[a-z0-9-]+)", MODEL))
    anchors = set(re.findall(r'<a id="(M-[a-z0-9-]+)"></a>', SOURCES))
    assert {"M-stress", "M-erlang-c", "M-kiefer-wolfowitz", "M-thinning", "M-little"} <= cited
    assert cited - anchors == set()


def test_contents_links_reach_headings() -> None:
    headings = {slug(h) for h in re.findall(r"^#{2,3} (.+)$", MODEL, flags=re.M)}
    links = re.findall(r"\]\(#([^)]+)\)", MODEL)
    assert len(links) >= 9
    assert [link for link in links if link not in headings] == []
