"""The command line as scripts and CI use it: exit codes, one-line errors, atomic output."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from tests.policy.packs import write_pack

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policy" / "packs" / "xiongerzhai-2020"


def policysim(*args, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "cli.main", *map(str, args)], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_policy_test_passes_the_shipped_pack_with_full_coverage():
    done = policysim("policy", "test", PACK, "--min-coverage", "100")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 failed" in done.stdout and "rule coverage: 100.0%" in done.stdout


def test_policy_test_reports_a_failing_case_with_expected_and_actual(tmp_path):
    pack = write_pack(tmp_path, tests="""\
        - name: fever is admitted (wrong on purpose)
          decision: gate
          at: 2020-03-01
          given: {role: resident, has_pass: true, temperature_c: 38}
          expect: {outcome: admit, rule: resident}
        """)
    done = policysim("policy", "test", pack)
    assert done.returncode == 1
    assert "FAIL" in done.stdout and "t.yaml:1:3" in done.stdout
    assert "outcome: expected admit, got hold" in done.stdout
    assert "rule: expected resident, got fever" in done.stdout
    assert "not exercised: delivery" in done.stdout


def test_policy_test_junit_and_json_formats(tmp_path):
    junit = policysim("policy", "test", PACK, "--format", "junit")
    assert junit.returncode == 0 and junit.stdout.startswith("<?xml") and "<testcase" in junit.stdout
    report = json.loads(policysim("policy", "test", PACK, "--format", "json").stdout)
    assert report["failed"] == 0 and report["coverage"]["percent"] == 100.0


def test_min_coverage_fails_below_threshold(tmp_path):
    pack = write_pack(tmp_path, tests="""\
        - decision: gate
          at: 2020-03-01
          given: {role: resident, has_pass: true, temperature_c: 38}
          expect: {outcome: hold}
        """)
    done = policysim("policy", "test", pack, "--min-coverage", "90")
    assert done.returncode == 1 and "below --min-coverage" in done.stderr


def test_a_broken_pack_is_one_line_and_exit_2(tmp_path):
    pack = write_pack(tmp_path, "- id: x\n  decision: gate\n  when: {role: pilot}\n  then: admit\n"
                                "  reason: {zh: a, en: b}\n  source: s\n")
    for args in (("policy", "test", pack), ("decide", pack, "--decision", "gate")):
        done = policysim(*args, stdin="")
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1
        assert 'r.yaml:3:16: [0].when.role: "pilot" is not a value of role' in lines[0]


def test_check_lists_every_problem_and_exits_2(tmp_path):
    pack = write_pack(tmp_path, "- id: x\n  decision: gate\n  when: {role: pilot}\n  then: admitted\n"
                                "  reason: {zh: a, en: b}\n  source: s\n")
    done = policysim("policy", "check", pack, "--format", "json")
    assert done.returncode == 2
    codes = [d["code"] for d in json.loads(done.stdout)["diagnostics"]]
    assert codes == ["rule.unknown-value", "rule.unknown-outcome"]
    assert policysim("policy", "check", PACK).returncode == 0


def test_decide_writes_one_object_per_record_and_reports_bad_lines(tmp_path):
    lines = [
        {"id": "a", "gate_level": "village", "role": "tourist", "has_pass": False,
         "temperature_c": 36.5, "quarantine_status": "none"},
        {"id": "b", "gate_level": "village", "role": "tourist", "has_pass": "no",
         "temperature_c": 36.5, "quarantine_status": "none"},
        {"id": "c", "gate_level": "township", "role": "resident", "has_pass": True,
         "temperature_c": 37.6, "quarantine_status": "none"},
    ]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\n{broken\n"
    out = tmp_path / "out.jsonl"
    done = policysim("decide", PACK, "--decision", "gate_admission", "--at", "2020-03-14",
                     "--output", out, stdin=stdin)
    assert done.returncode == 2
    assert "<stdin>:2: has_pass: expected true or false" in done.stderr
    assert "<stdin>:4:2: not JSON" in done.stderr
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c", None]
    assert rows[0]["outcome"] == "turn_back" and rows[0]["policy"] == "xiongerzhai-2020@2"
    assert rows[2]["outcome"] == "hold_for_medical" and rows[2]["rule"] == "gate.fever-hold"
    assert {"id", "decision", "outcome", "rule", "reason", "obligations", "policy"} <= set(rows[2])
    assert "error" in rows[1] and rows[1]["line"] == 2


def test_decide_leaves_no_output_when_it_cannot_run(tmp_path):
    out = tmp_path / "out.jsonl"
    done = policysim("decide", PACK, "--decision", "nope", "--input", tmp_path / "missing.jsonl",
                     "--output", out)
    assert done.returncode == 2 and "no decision 'nope'" in done.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_decide_explain_prints_reasons_in_chinese():
    done = policysim("decide", PACK, "--decision", "gate_admission", "--input",
                     ROOT / "examples" / "gate-cases.jsonl", "--at", "2020-03-14", "--explain", "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert "decided by gate.fever-hold" in done.stdout and "体温" in done.stdout


def test_bad_date_argument_exits_2():
    done = policysim("decide", PACK, "--decision", "gate_admission", "--at", "2020-02-30", stdin="")
    assert done.returncode == 2 and "not a date" in done.stderr


def test_report_languages_offered_by_the_cli_are_the_reports_languages():
    import reports
    from cli import compare_cmds
    assert compare_cmds.LANGS == tuple(reports.LANGS)


GATE_LINE = ('{{"id": {}, "gate_level": "village", "role": "resident", "has_pass": true, '
             '"temperature_c": 36.5, "quarantine_status": "none"}}\n')


def test_decide_streams_its_output_while_the_input_is_still_open():
    """Identical records through a pipe: decisions come out before the input ends."""
    from policy.batch import CHUNK
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-m", "cli.main", "decide", str(PACK), "--decision",
                              "gate_admission", "--at", "2020-03-14"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    first_read = threading.Event()

    def feed():
        child.stdin.write("".join(GATE_LINE.format(i) for i in range(CHUNK + 1)).encode())
        child.stdin.flush()
        first_read.wait(timeout=60)
        child.stdin.close()

    feeder = threading.Thread(target=feed)
    with child:
        feeder.start()
        try:
            first = json.loads(child.stdout.readline())
            streamed = not child.stdin.closed
            first_read.set()
            rest = child.stdout.read().decode().splitlines()
        finally:
            first_read.set()
            feeder.join()
            child.wait(timeout=60)
    assert streamed, "no output before the input was closed"
    assert first["id"] == 0 and first["outcome"] == "admit"
    assert [json.loads(x)["id"] for x in rest] == list(range(1, CHUNK + 1))
    assert child.returncode == 0


def test_decide_output_is_written_atomically(tmp_path):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("".join(GATE_LINE.format(i) for i in range(10_000)) + '{"id": 007}\n')
    out.write_text("an older run\n")
    done = policysim("decide", PACK, "--decision", "gate_admission", "--at", "2020-03-14",
                     "--input", source, "--output", out)
    assert done.returncode == 2 and "in.jsonl:10001:8: not JSON" in done.stderr
    rows = out.read_text().splitlines()
    assert len(rows) == 10_001 and json.loads(rows[-1])["line"] == 10_001
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]  # no temporary left
