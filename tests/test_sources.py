"""The project carries its own sources: nothing in it cites research notes or paths outside the
repository, and every citation (a rule's `source:`, an id in a comment, a link) has its entry
in docs/sources.md."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from policy import load_pack

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "docs" / "sources.md"
PACKS = sorted(p.parent for p in (ROOT / "policy" / "packs").glob("*/pack.yaml"))

# What a user of the project does not have: the team's research notes and shared folders.
# (Written so that this file does not match itself.)
OUTSIDE = re.compile(r"domain\.md|field-report\.zh|\.\./shared(?=/)|/work(?=/)")
NOT_SHIPPED = {".git", ".venv", "__pycache__", "build", ".hypothesis", ".pytest_cache", "out"}

NUMERALS = {c: n for n, c in enumerate("一二三四五六七八九十", 1)}
NUMERAL = f"[{''.join(NUMERALS)}]"
SECTION = re.compile(rf"§({NUMERAL})(?:\(({NUMERAL})\)({NUMERAL})?)?")     # §一, §一(三), §一(三)二
# An entry id as cited: N-2020-02-09, FR-1-3-2, P-zhushui, A-demand.
ID = re.compile(r"(?<![\w-])(N-\d{4}-\d{2}-\d{2}|(?:FR|P|F|T|C|A)-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)(?![\w-])")
DATE = r"\d{4}-\d{2}-\d{2}"
DATES = rf"{DATE}(?: item \d+)?(?:(?:, | and ){DATE}(?: item \d+)?)*"
REFERENCE = re.compile(
    r"(?P<report>field report §(?:, §)*)"
    rf"|(?:Beijing|national) (?:notice|rule|announcement)s? of (?P<notices>{DATES})"
    rf"|reaffirmed (?P<reaffirmed>{DATES})"
    r"|practice (?P<practice>P-[a-z0-9-]+)")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def repository_files() -> list[Path]:
    """The files a clone holds (tracked, or new and not ignored); a plain walk without git."""
    try:
        out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                             cwd=ROOT, capture_output=True, check=True).stdout.decode()
        files = [ROOT / name for name in out.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for folder, dirs, names in os.walk(ROOT):
            dirs[:] = [d for d in dirs if d not in NOT_SHIPPED and not d.endswith(".egg-info")]
            files += [Path(folder) / name for name in names]
    return sorted(p for p in files if p.is_file())


def text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


def entries(markdown: str) -> dict[str, str]:
    """Each `<a id="…">` anchor of sources.md with its text up to the next anchor."""
    marks = list(re.finditer(r'<a id="([^"]+)"></a>', markdown))
    ends = [m.start() for m in marks[1:]] + [len(markdown)]
    return {m.group(1): markdown[m.end():end] for m, end in zip(marks, ends, strict=False)}


def section_id(match: re.Match[str]) -> str:
    """`§一(三)二` → `FR-1-3-2`, the anchor of that field-report section."""
    return "-".join(["FR", *(str(NUMERALS[g]) for g in match.groups() if g)])


def without_glosses(text: str) -> str:
    """*text* with every parenthesised gloss removed (glosses may nest parentheses)."""
    out, depth = [], 0
    for ch in text:
        depth += ch == "("
        if depth == 0:
            out.append(ch)
        depth -= ch == ")" and depth > 0
    return "".join(out)


def problems_of(source: str, known: dict[str, str]) -> list[str]:
    """What in one rule `source:` string has no entry in sources.md, or is not a citation."""
    problems = [f"{m.group(0)}: no entry {section_id(m)}" for m in SECTION.finditer(source)
                if section_id(m) not in known]
    problems += [f"{hit.group(0)}: cites a file outside the repository" for hit in OUTSIDE.finditer(source)]
    bare = re.sub(r"\s+,", ",", re.sub(r"\s+", " ", without_glosses(SECTION.sub("§", source))))
    for reference in (r.strip() for r in bare.split(";")):
        match = REFERENCE.fullmatch(reference)
        if match is None:
            problems.append(f"{reference!r}: not a field report section, dated notice or practice id")
            continue
        for dated in re.finditer(rf"({DATE})(?: item (\d+))?", match["notices"] or match["reaffirmed"] or ""):
            entry = known.get(f"N-{dated[1]}")
            if entry is None:
                problems.append(f"{dated[0]}: no entry N-{dated[1]}")
            elif dated[2] and f"**item {dated[2]}**" not in entry:
                problems.append(f"{dated[0]}: entry N-{dated[1]} has no item {dated[2]}")
        if match["practice"] and match["practice"] not in known:
            problems.append(f"{match['practice']}: no entry")
    return problems


@pytest.fixture(scope="module")
def known() -> dict[str, str]:
    return entries(SOURCES.read_text(encoding="utf-8"))


def test_no_file_cites_research_notes_or_paths_outside_the_repository():
    found = []
    for path in repository_files():
        name = path.relative_to(ROOT).as_posix()
        text = text_of(path)
        for number, line in enumerate((text or "").splitlines(), 1):
            found += [f"{name}:{number}: {hit.group(0)}" for hit in OUTSIDE.finditer(line)]
    assert found == []


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_every_rule_source_cites_entries_of_sources_md(pack, known):
    sources = {rule.source for rule in load_pack(pack).rules}
    assert sources
    assert [(s, p) for s in sorted(sources) for p in problems_of(s, known)] == []


@pytest.mark.parametrize("source, problem", [
    ("field report §一(三)二 (村口逐一测温); Beijing notice of 2020-02-09 item 1 (测温)", None),
    ("Beijing notices of 2020-02-03, 2020-02-09 item 4 and 2020-03-31 (居家(或集中)观察)", None),
    ("national notice of 2020-01-25; reaffirmed 2020-02-27 and 2020-04-01; practice P-zhushui", None),
    ("field report §一(八) (no such section)", "§一(八): no entry FR-1-8"),
    ("field report §二(一)", "§二(一): no entry FR-2-1"),
    ("Beijing notice of 2020-02-10 (the day it was published)", "2020-02-10: no entry N-2020-02-10"),
    ("Beijing notices of 2020-02-14 and 2020-02-09 item 5",
     "2020-02-09 item 5: entry N-2020-02-09 has no item 5"),
    ("practice P-nowhere (a practice never written up)", "P-nowhere: no entry"),
    ("domain" ".md §3.2 (fever threshold 37.3 °C)", "domain" ".md: cites a file outside the repository"),
    ("Pinggu 洙水村 2020-02-05 (through traffic logged)", "'Pinggu 洙水村 2020-02-05': not a field report"),
])
def test_the_source_check_catches_what_has_no_entry(source, problem, known):
    found = problems_of(source, known)
    if problem is None:
        assert found == []
    else:
        assert any(p.startswith(problem) for p in found), found


def cited_files() -> list[Path]:
    """The files that cite sources.md by id: packs, scenarios, the register, the docs."""
    return sorted({*ROOT.glob("policy/packs/**/*.yaml"), *ROOT.glob("scenarios/*.yaml"),
                   ROOT / "registers" / "README.md", ROOT / "registers" / "generate.py",
                   ROOT / "README.md", *ROOT.glob("docs/*.md")})


@pytest.mark.parametrize("path", cited_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_id_and_section_cited_in_a_file_has_an_entry(path, known):
    text = path.read_text(encoding="utf-8")
    ids = {m[1] for m in ID.finditer(text) if m[1] not in known}
    sections = {f"{m[0]} ({section_id(m)})" for m in SECTION.finditer(text) if section_id(m) not in known}
    missing = sorted(ids | sections)
    assert missing == []
    assert re.findall(r"§\s?\d[\d.]*", text) == []      # numbered sections belong to no file here


@pytest.mark.parametrize("path", [p for p in repository_files() if p.suffix == ".md"],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_markdown_links_stay_in_the_repository(path, known):
    broken = []
    for target in LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        where = (path.parent / file).resolve() if file else path
        if not where.is_relative_to(ROOT) or not where.exists():
            broken.append(target)
        elif anchor and where == SOURCES and anchor not in known:
            broken.append(target)
    assert broken == []
