"""Hostile arguments and input to ``decide`` and the ``policy`` commands: one line, exit 2, no data lost."""

from __future__ import annotations

import os

import pytest

from cli.main import main

PACK = "policy/packs/xiongerzhai-2020"
RECORD = ('{"id": %s, "gate_level": "village", "role": "resident", "has_pass": true, '
          '"temperature_c": 36.4, "quarantine_status": "none"}\n')
DECIDE = ("decide", PACK, "--decision", "gate_admission", "--at", "2020-04-18")


def _run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:  # a usage mistake, found by argparse
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_line(code, err, *expect):
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("policysim: "), err
    for text in expect:
        assert text in err, err


@pytest.mark.parametrize("via_link", [False, True])
def test_output_onto_the_input_is_refused(tmp_path, capsys, via_link):
    source = tmp_path / "in.jsonl"
    source.write_text(RECORD % 1)
    target = source
    if via_link:
        target = tmp_path / "link.jsonl"
        target.symlink_to(source)
    code, _, err = _run(capsys, *DECIDE, "--input", str(source), "--output", str(target))
    _one_line(code, err, "is the input file")
    assert source.read_text() == RECORD % 1


@pytest.mark.parametrize(("output", "expect"), [
    ("/dev/full", "is a device"), ("/proc/self/comm", "/proc"), ("<dir>", "is a folder"), ("<fifo>", "pipe")])
def test_output_onto_a_non_regular_file_is_refused(tmp_path, capsys, output, expect):
    source = tmp_path / "in.jsonl"
    source.write_text(RECORD % 1)
    if output == "<dir>":
        output = str(tmp_path)
    elif output == "<fifo>":
        output = str(tmp_path / "fifo")
        os.mkfifo(output)
    code, _, err = _run(capsys, *DECIDE, "--input", str(source), "--output", output)
    _one_line(code, err, expect)


@pytest.mark.parametrize(("source", "expect"), [("/dev/null", "is a device"), ("<dir>", "is a folder")])
@pytest.mark.parametrize("explain", [False, True])
def test_input_that_is_not_a_file_says_what_it_is(tmp_path, capsys, source, expect, explain):
    source = str(tmp_path) if source == "<dir>" else source
    code, _, err = _run(capsys, *DECIDE, "--input", source, *(["--explain"] if explain else []))
    _one_line(code, err, expect)


@pytest.mark.parametrize("explain", [False, True])
def test_non_utf8_and_overlong_lines_are_bad_lines(tmp_path, capsys, explain):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": "\xff"}\n' + b"a" * (2 * 1024 * 1024) + b"\n" + (RECORD % 2).encode())
    code, out, err = _run(capsys, *DECIDE, "--input", str(source), *(["--explain"] if explain else []))
    assert code == 2
    assert "not UTF-8" in err and "longer than 1024 KiB" in err
    assert all(line.startswith("policysim: ") for line in err.splitlines())
    assert "2:" in out or '"id": 2' in out


def test_deep_json_is_one_bad_line(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    code, _, err = _run(capsys, *DECIDE, "--input", str(source))
    assert code == 2 and "depth" in err and "Traceback" not in err


def test_duplicate_ids_are_reported(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(RECORD % 7 + RECORD % 8 + RECORD % 7)
    code, out, err = _run(capsys, *DECIDE, "--input", str(source))
    assert code == 2
    assert "in.jsonl:3: id: the same id as line 1" in err
    assert out.count('"outcome"') == 2 and '"line": 3' in out


@pytest.mark.parametrize("value", ["nan", "-1", "150", "x"])
def test_min_coverage_outside_0_to_100_is_refused(capsys, value):
    code, _, err = _run(capsys, "policy", "test", PACK, "--min-coverage", value)
    _one_line(code, err, "--min-coverage")


@pytest.mark.parametrize("command", [("policy", "schema"), ("scenario", "schema")])
def test_schema_out_onto_a_file_is_one_line(tmp_path, capsys, command):
    target = tmp_path / "file"
    target.write_text("keep")
    code, _, err = _run(capsys, *command, "--out", str(target))
    _one_line(code, err, "names a file, not a folder")
    assert target.read_text() == "keep"


def test_policy_check_errors_carry_the_prefix(tmp_path, capsys):
    (tmp_path / "pack.yaml").write_text("name: x\nversion: 1\ndecisions: 3\n")
    code, _, err = _run(capsys, "policy", "check", str(tmp_path))
    assert code == 2 and err and all(line.startswith("policysim: ") for line in err.splitlines())
