"""Hypothesis mutates the shipped scenario and pack and asserts issue 10's promise: exit 0, or
one located `policysim:` line with exit 2 (1 where the command reports findings); never a
traceback, never over 30 s.

Most examples run in-process (``cli.main.main(argv)``, stderr captured, an alarm after 30 s)
for speed; a few run as a real subprocess through the corpus harness. The fuzzers and the
whole corpus are slow (``make fuzz``); the harness's own tests are fast and run in
``make test``. POLICYSIM_HOSTILE_EXAMPLES sets the number of examples per fuzzer.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .corpus import PACK_DIR, SIM, _leaves, base_scenario, cases, pack_files
from .outcomes import (
    REPO,
    TIMEOUT_S,
    Case,
    Expect,
    Outcome,
    Result,
    classify,
    run_subprocess,
)

EXAMPLES = int(os.environ.get("POLICYSIM_HOSTILE_EXAMPLES", "25"))
# One located line: `policysim: <file>:<line>…` or a line naming a command-line flag.
LOCATED = re.compile(r"^policysim: (\S+?:\d+(:\d+)?: |.*--[a-z])")

# No shrinking: at about a second an example it can take many minutes; the failing input is printed whole.
fuzz_settings = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                         phases=[Phase.explicit, Phase.reuse, Phase.generate],
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                HealthCheck.data_too_large])


class Timeout(Exception):
    pass


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def ring(signum: int, frame: Any) -> None:
        raise Timeout(f"no answer in {seconds:.0f} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_in_process(argv: list[str], cwd: Path) -> tuple[int, str]:
    """``policysim argv`` in *cwd* in this process: (exit status, stderr). A traceback fails the test."""
    from cli.main import main

    err, out = io.StringIO(), io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # decide writes bytes
    here = os.getcwd()
    start = time.monotonic()
    os.chdir(cwd)
    try:
        with _alarm(TIMEOUT_S), contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            try:
                status = int(main(argv) or 0)
            except SystemExit as exc:
                status = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(here)
    assert time.monotonic() - start < TIMEOUT_S
    return status, err.getvalue()


def assert_clean(status: int, stderr: str, findings: bool, lists: bool = False) -> None:
    """Exit 0 (or 1 with *findings*), or exit 2 with one located line — or, when the command
    *lists* every problem (``policy check``), one located line per problem."""
    lines = [line for line in stderr.split("\n") if line.strip()]
    allowed = {0, 1, 2} if findings else {0, 2}
    assert status in allowed, f"exit {status}: {stderr[-2000:]}"
    assert "Traceback" not in stderr, stderr[-2000:]
    if status == 2 and not (lines and lines[0].startswith("usage: ")):
        assert lines and (len(lines) == 1 or lists), f"{len(lines)} lines on stderr: {stderr[-2000:]}"
        assert LOCATED.match(lines[0]), f"not a located line: {lines[0]}"
        assert all(line.startswith("policysim: ") for line in lines[1:]), stderr[-2000:]  # e.g. a summary


# --- strategies ----------------------------------------------------------------------------------

hostile_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(["24:30", "06:00", "1:00", "1.0e308", "*a", "&a x", "!!python/name:os.system", "\x00"]),
)
hostile_values = st.recursive(hostile_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=8)


def _mutate(data: Any, draw: st.DrawFn) -> Any:
    """*data* with one leaf replaced, one key dropped, or one key added, chosen by Hypothesis."""
    leaves = [path for path, _ in _leaves(data) if path]
    path = draw(st.sampled_from(leaves))
    node = data
    for key in path[:-1]:
        node = node[key]
    action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
    if action == "replace":
        node[path[-1]] = draw(hostile_values)
    elif action == "delete":
        del node[path[-1]]
    elif isinstance(node, dict):
        node[draw(st.text(min_size=1, max_size=12))] = draw(hostile_values)
    return data


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


@st.composite
def mutated_scenarios(draw: st.DrawFn) -> str:
    return _dump(_mutate(base_scenario(), draw))


PACK_FILES = ("p/pack.yaml", "p/rules/gate.yaml", "p/rules/quarantine.yaml", "p/properties.yaml",
              "p/tests/gate.yaml")


@st.composite
def mutated_pack_files(draw: st.DrawFn) -> tuple[str, str]:
    """(one file of the shipped pack, its mutated text): small enough for Hypothesis to print."""
    rel = draw(st.sampled_from(PACK_FILES))
    return rel, _dump(_mutate(yaml.safe_load(pack_files()[rel]), draw))


def _write(cwd: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (cwd / rel).parent.mkdir(parents=True, exist_ok=True)
        (cwd / rel).write_bytes(data)


# --- the fuzzers (slow: make fuzz) -----------------------------------------------------------------


@pytest.mark.slow
@fuzz_settings
@given(text=mutated_scenarios())
def test_mutated_scenario_runs_or_is_refused_in_one_line(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    cwd = tmp_path_factory.mktemp("scenario")
    (cwd / "s.yaml").write_text(text, encoding="utf-8")
    status, stderr = run_in_process(list(SIM), cwd)
    assert_clean(status, stderr, findings=False)


@pytest.mark.slow
@fuzz_settings
@given(mutation=mutated_pack_files(), command=st.sampled_from(["check", "test", "decide"]))
def test_mutated_pack_is_checked_or_refused_in_one_line(mutation: tuple[str, str], command: str,
                                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    cwd = tmp_path_factory.mktemp("pack")
    rel, text = mutation
    _write(cwd, {**pack_files(), rel: text.encode()})
    (cwd / "in.jsonl").write_bytes((REPO / "examples" / "gate-cases.jsonl").read_bytes())
    argv = {"check": ["policy", "check", "p"], "test": ["policy", "test", "p"],
            "decide": ["decide", "p", "--decision", "gate_admission", "--at", "2020-04-18", "--input", "in.jsonl"]}
    status, stderr = run_in_process(argv[command], cwd)
    if command == "decide" and status == 2:  # one line per bad record, then the summary
        assert "Traceback" not in stderr and all(x.startswith("policysim: ") for x in stderr.split("\n") if x)
        return
    assert_clean(status, stderr, findings=True, lists=command == "check")


@pytest.mark.slow
@settings(fuzz_settings, max_examples=max(3, EXAMPLES // 8))
@given(text=mutated_scenarios())
def test_mutated_scenario_in_a_subprocess(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The same promise seen from outside: a real interpreter, its exit status and stderr."""
    cwd = tmp_path_factory.mktemp("sub")
    result = run_subprocess(Case("fuzz", SIM, {"s.yaml": text.encode()}), cwd)
    verdict = classify(result)
    assert verdict.outcome in (Outcome.CLEAN, Outcome.SILENTLY_WRONG), f"{verdict}: {result.stderr[-2000:]}"


@pytest.mark.slow
def test_the_hostile_corpus_is_all_clean(tmp_path: Path) -> None:
    """Issue 10's totals: every case of the corpus is clean (benchmarks/hostile.py prints the table)."""
    out = tmp_path / "corpus.json"
    run = subprocess.run([sys.executable, str(REPO / "benchmarks" / "hostile.py"), "--json", str(out)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=3 * 3600, check=False)
    outcomes = json.loads(out.read_text(encoding="utf-8"))
    assert len(outcomes) >= 400
    bad = [f"{o['outcome']}: {o['case']}: {o['detail']}" for o in outcomes if o["outcome"] != "clean"]
    assert not bad, run.stdout[-6000:]


# --- the harness itself (fast: make test) ------------------------------------------------------------


def _result(rc: int | None, stderr: str = "", stdout: str = "", case: Case | None = None,
            before: dict[str, object] | None = None, after: dict[str, object] | None = None,
            sig: int | None = None) -> Result:
    case = case or Case("t", ("simulate", "s.yaml"))
    return Result(case, Path("."), rc, sig, stdout, stderr, 0.1, before or {}, after or {})


@pytest.mark.parametrize(("result", "outcome"), [
    (_result(0), Outcome.CLEAN),
    (_result(2, "policysim: s.yaml:3:1: seed: expected a whole number [scenario.type]\n"), Outcome.CLEAN),
    (_result(2, "usage: policysim simulate [-h]\npolicysim simulate: error: argument --jobs: bad\n"), Outcome.CLEAN),
    (_result(2, "policysim: one\npolicysim: two\n"), Outcome.BAD_MESSAGE),
    (_result(2, "error without prefix\n"), Outcome.BAD_MESSAGE),
    (_result(1, "policysim: findings\n"), Outcome.BAD_MESSAGE),
    (_result(1, "policysim: findings\n", case=Case("t", ("policy", "check"), findings_exit=True)), Outcome.CLEAN),
    (_result(1, "Traceback (most recent call last):\n  File x\nValueError: boom\n"), Outcome.TRACEBACK),
    (_result(None), Outcome.HANG),
    (_result(-11, sig=11), Outcome.CRASH),
    (_result(139), Outcome.CRASH),
    (_result(0, case=Case("t", ("x",), expect=Expect.REJECT)), Outcome.SILENTLY_WRONG),
    (_result(2, "policysim: x:1: bad\n", case=Case("t", ("x",), keep=("in",)),
             before={"in": ("file", "a")}, after={"in": ("file", "b")}), Outcome.DATA_LOST),
    (_result(2, "policysim: x:1: bad\n", case=Case("t", ("x",), keep_on_failure=("out",)),
             before={"out": ("file", "a")}, after={"out": None}), Outcome.DATA_LOST),
    (_result(0, case=Case("t", ("x",), keep_on_failure=("out",)),
             before={"out": ("file", "a")}, after={"out": ("file", "b")}), Outcome.CLEAN),
    (_result(0, case=Case("t", ("x",), check=lambda r: "p95 holds with no staff")), Outcome.SILENTLY_WRONG),
    (_result(2, "policysim: x\n", case=Case("t", ("x",), check=lambda r: "message: leaks root:")),
     Outcome.BAD_MESSAGE),
])
def test_outcomes_are_classified(result: Result, outcome: Outcome) -> None:
    assert classify(result).outcome is outcome


@pytest.mark.slow  # building ~490 cases (a 20,002-value enum, a 1,202-file chain …) takes ~15 s
def test_the_corpus_is_large_and_named_uniquely() -> None:
    found = cases()
    assert len(found) >= 400
    assert len({c.name for c in found}) == len(found)
    assert len({c.argv[0] for c in found if c.argv}) >= 6  # every command family is attacked


def test_a_subprocess_run_is_seen_from_outside(tmp_path: Path) -> None:
    """A real interpreter: a bad flag is a clean refusal, and a kept input that is overwritten is
    seen as data lost."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    result = run_subprocess(Case("flag", ("simulate", "s.yaml", "--jobs", "0")), cwd)
    assert result.returncode == 2
    assert classify(result).outcome is Outcome.CLEAN
    cwd = tmp_path / "schema"
    cwd.mkdir()
    overwrite = Case("schema", ("policy", "schema", "--out", "."), {"pack.schema.json": b"mine"},
                     keep=("pack.schema.json",))
    result = run_subprocess(overwrite, cwd)
    assert result.returncode == 0
    assert classify(result).outcome is Outcome.DATA_LOST


def test_the_shipped_pack_decides_cleanly_in_process(tmp_path: Path) -> None:
    """The in-process runner sees a clean run of the shipped files as clean."""
    status, stderr = run_in_process(["policy", "check", str(PACK_DIR)], tmp_path)
    assert_clean(status, stderr, findings=False)
    assert status == 0
