"""A user's mistake is one located line wherever it is found: raised inline, inside a SimPy
process, in a process-pool worker or on a Dask worker, it pickles and prints the same line."""

from __future__ import annotations

import datetime as dt
import pickle
import shutil
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import pytest

import cli.compare_cmds
import cli.sweep_cmd
import reports.compare
import reports.figures
import simulate.executors
import simulate.store
from policy import Diagnostic, Location, PolicysimError, RecordError
from simulate import load_scenario, run_experiment
from simulate.executors import open_executor

from .conftest import HERE, ROOT, SCENARIOS

assert cli.compare_cmds and cli.sweep_cmd and reports.compare and reports.figures and simulate.executors
assert simulate.store


def _kinds(cls: type[PolicysimError]) -> list[type[PolicysimError]]:
    return [cls, *(k for sub in cls.__subclasses__() for k in _kinds(sub))]


KINDS = {k.__qualname__: k for k in _kinds(PolicysimError)}


def make(kind: str) -> PolicysimError:
    """An error of *kind* with two diagnostics, given out of order."""
    return KINDS[kind]([Diagnostic("b.second", "second problem", Location("b.yaml", 9, 2, "x.y")),
                        Diagnostic("a.first", "first problem", Location("a.yaml", 3, 5, "streams.s.role"))])


def raise_it(kind: str) -> None:
    raise make(kind)


def test_every_kind_of_error_is_known():
    assert {"PolicysimError", "PackError", "RecordError", "FileFormatError", "ExecutorError",
            "ComparisonError", "FontMissingError", "ReportWriteError", "RunOptionError"} <= set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_error_pickles_and_rebuilds_from_its_args(kind):
    exc = make(kind)
    line = "a.yaml:3:5: streams.s.role: first problem [a.first] (and 1 more)"
    assert str(exc) == line
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is type(exc) and str(again) == line
    assert again.diagnostics == exc.diagnostics
    rebuilt = type(exc)(*exc.args)                   # what SimPy and executors do to re-raise
    assert str(rebuilt) == line and rebuilt.diagnostics == exc.diagnostics


def _all_through(executor: Any) -> dict[str, tuple[type, str]]:
    out = {}
    for kind in sorted(KINDS):
        with pytest.raises(PolicysimError) as caught:
            executor.submit(raise_it, kind).result()
        out[kind] = (type(caught.value), str(caught.value))
    return out


def _expected() -> dict[str, tuple[type, str]]:
    return {kind: (KINDS[kind], str(make(kind))) for kind in sorted(KINDS)}


def test_every_error_crosses_a_process_pool_as_the_same_line():
    with open_executor("process", 2) as pool:
        assert _all_through(pool) == _expected()


def test_every_error_crosses_dask_as_the_same_line():
    pytest.importorskip("distributed")
    with open_executor("dask", 1) as client:
        assert _all_through(client) == _expected()


class RefusingEngine:
    """An engine that finds every record malformed, from inside the SimPy run."""

    def decide(self, decision: str, facts: Mapping[str, Any], at: dt.date) -> Any:
        raise RecordError([Diagnostic("record.value", "temperature out of range",
                                      Location("<model>", 0, 0, "temperature_c"))])


def refusing_engine(pack: str, kind: str) -> RefusingEngine:
    return RefusingEngine()


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_error_inside_a_replication_reaches_the_caller_unchanged(jobs):
    scenario = load_scenario(HERE / "scenarios" / "post-lite.yaml")
    with pytest.raises(RecordError) as caught:
        run_experiment(scenario, replications=2, jobs=jobs, engine_factory=refusing_engine)
    assert str(caught.value) == "<model>: temperature_c: temperature out of range [record.value]"


def _pack_without_through_traffic(tmp_path):
    """The shipped pack with the role through_traffic removed, and the baseline pointed at it."""
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "policy" / "packs" / "xiongerzhai-2020", pack)
    header = (pack / "pack.yaml").read_text(encoding="utf-8")
    (pack / "pack.yaml").write_text(header.replace(", tourist, through_traffic]", ", tourist]"), encoding="utf-8")
    rules = (pack / "rules" / "gate.yaml").read_text(encoding="utf-8")
    rules = rules.replace(", through_traffic", "")
    rules = "\n- id: ".join(r for r in rules.split("\n- id: ") if "role: through_traffic}" not in r)
    (pack / "rules" / "gate.yaml").write_text(rules, encoding="utf-8")
    for name in ("tests/gate.yaml",):
        cases = (pack / name).read_text(encoding="utf-8").split("\n- ")
        (pack / name).write_text("\n- ".join(c for c in cases if "through_traffic" not in c), encoding="utf-8")
    scenario = tmp_path / "baseline.yaml"
    text = (SCENARIOS / "baseline-march-weekend.yaml").read_text(encoding="utf-8")
    text = text.replace("pack: ../policy/packs/xiongerzhai-2020", f"pack: {pack}")
    scenario.write_text(text.replace("outsiders: [tourist, relative_visitor, family_visitor, through_traffic]",
                                     "outsiders: [tourist, relative_visitor, family_visitor]"), encoding="utf-8")
    return pack, scenario


def _simulate(scenario, jobs: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli.main", "simulate", str(scenario), "--replications", "2",
                           "--jobs", str(jobs), "--quiet"], capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_role_the_pack_does_not_declare_is_one_located_line(tmp_path, jobs):
    pack, scenario = _pack_without_through_traffic(tmp_path)
    done = _simulate(scenario, jobs)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"policysim: {scenario}:")
    assert "streams.through.role: 'through_traffic' is not a value of input 'role'" in lines[0]
    assert f"pack xiongerzhai-2020@2 ({pack / 'pack.yaml'}:" in lines[0]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_broken_pack_is_reported_before_any_worker_starts(tmp_path, jobs):
    pack, scenario = _pack_without_through_traffic(tmp_path)
    (pack / "rules" / "gate.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    done = _simulate(scenario, jobs)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith(f"policysim: {pack / 'rules' / 'gate.yaml'}:") and "[yaml.syntax]" in lines[0]
