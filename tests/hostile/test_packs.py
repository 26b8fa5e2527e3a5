"""Hostile pack and test files: each mistake is one located line and exit 2 — never a traceback,
and never a malformed test counted as a failed one (exit 1)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "policy" / "packs" / "xiongerzhai-2020"


def _pack(tmp_path: Path, file: str, old: str, new: str, count: int = 1) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(SHIPPED, pack)
    text = (pack / file).read_text(encoding="utf-8")
    assert old in text
    (pack / file).write_text(text.replace(old, new, count), encoding="utf-8")
    return pack


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli.main", *argv], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


@pytest.mark.parametrize(("file", "old", "new", "where", "message"), [
    ("tests/gate.yaml", "decision: gate_admission", "decision: [gate_admission]",
     r"tests/gate\.yaml:\d+:\d+: \[0\]\.decision:", "expected text, got a list [schema.type]"),
    ("tests/gate.yaml", "rule: gate.", "rule: [b, gate.",
     r"tests/gate\.yaml:\d+:\d+: \[\d+\]\.expect\.rule:", "expected text, got a list [schema.type]"),
    ("tests/gate.yaml", "has_pass: false", "has_pass: {}",
     r"tests/gate\.yaml:\d+:\d+: \[\d+\]\.given\.has_pass:", "expected true or false, got a mapping"),
])
def test_a_malformed_test_file_is_a_bad_file_not_a_failed_test(tmp_path, file, old, new, where, message):
    if old == "rule: gate.":   # close the list the replacement opened, on the same line
        text = (SHIPPED / file).read_text(encoding="utf-8")
        line = next(x for x in text.splitlines() if "rule: gate." in x)
        pack = _pack(tmp_path, file, line, line.replace("rule: gate.", "rule: [b, gate.") + "]")
    else:
        pack = _pack(tmp_path, file, old, new)
    done = _run("policy", "test", str(pack))
    assert done.returncode == 2, done.stdout + done.stderr
    [line] = done.stderr.strip().splitlines()
    assert re.search(where, line) and message in line, line


def test_id_and_meta_are_not_input_names(tmp_path):
    pack = _pack(tmp_path, "pack.yaml", "      has_pass: {type: bool}\n",
                 "      has_pass: {type: bool}\n      meta: {type: bool}\n")
    done = _run("policy", "check", str(pack))
    assert done.returncode == 2
    assert re.search(r"pack\.yaml:\d+:7: decisions\.gate_admission\.inputs\.meta: \"meta\" is reserved",
                     done.stderr), done.stderr


def test_an_enum_has_a_bounded_number_of_values(tmp_path):
    values = ", ".join(f"v{i}" for i in range(20_002))
    pack = _pack(tmp_path, "pack.yaml", "enum: [township, village]", f"enum: [{values}]")
    done = _run("decide", str(pack), "--decision", "gate_admission", "--input", "examples/gate-cases.jsonl")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "decisions.gate_admission.inputs.gate_level.enum: expected at most 1000 items, got 20002" in line


def test_terminal_control_characters_from_a_file_are_shown_escaped(tmp_path):
    pack = _pack(tmp_path, "pack.yaml", "      has_pass: {type: bool}\n",
                 '      has_pass: {type: bool}\n      "x\\x1b[31m\\u202e": {type: bool}\n')
    done = _run("policy", "check", str(pack))
    assert done.returncode == 2
    line = next(x for x in done.stderr.splitlines() if "inputs.x" in x)
    assert "inputs.x\\x1b[31m\\u202e:" in line and "\x1b" not in done.stderr and "\u202e" not in done.stderr
