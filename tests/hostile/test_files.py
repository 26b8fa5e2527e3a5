"""Hostile input files: every one is refused at once with one located line, exit 2, no content echoed."""

from __future__ import annotations

import os

import pytest

from cli.main import main
from simulate.scenario_reader import MAX_EXTENDS

SHIPPED = os.path.abspath("scenarios/blossom-weekend.yaml")
SECRET = "root:*:20228:0:99999:7:::"


def _bomb() -> str:
    text, prev = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n', "a"
    for i in range(1, 10):
        name = chr(97 + i)
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        prev = name
    return text


def _run(capsys, *argv):
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


def _one_line(code, err):
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("policysim: "), err
    assert "Traceback" not in err


@pytest.mark.parametrize(("text", "expect"), [
    (_bomb(), "YAML aliases expand past 10000 nodes"),
    ("a: &a [*a]\n", "alias refers to a node that contains it"),
    ("name: a\x00b\n", "control character"),
    ("name: !!python/name:os.system\n", "unsupported tag"),
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nest"),
    ("extends: /dev/zero\n", "is a device"),
    ("extends: /\n", "is a folder"),
    ("extends: secret.txt\n", "not a scenario file"),
])
def test_hostile_scenario_file_is_one_line(tmp_path, capsys, text, expect):
    (tmp_path / "secret.txt").write_text(SECRET + "\nbin:*:1:0:99999:7:::\n")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    code, err = _run(capsys, "simulate", str(path), "--replications", "1")
    _one_line(code, err)
    assert expect in err and SECRET not in err and "20228" not in err


def test_syntax_error_quotes_nothing_from_the_file(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text('name: "secret\\q"\n')
    code, err = _run(capsys, "simulate", str(path))
    _one_line(code, err)
    assert "\\q" not in err and "secret" not in err


@pytest.mark.parametrize("kind", ["fifo", "folder", "big"])
def test_non_regular_or_huge_scenario_is_refused(tmp_path, capsys, kind):
    path = tmp_path / "s.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        with open(path, "wb") as f:
            f.write(b"# " + b"x" * (17 * 1024 * 1024) + b"\n")
    code, err = _run(capsys, "simulate", str(path))
    _one_line(code, err)
    assert {"fifo": "pipe", "folder": "folder", "big": "MiB"}[kind] in err


def test_long_extends_chain_is_bounded(tmp_path, capsys):
    for i in range(MAX_EXTENDS + 5):
        (tmp_path / f"c{i}.yaml").write_text(f"extends: c{i + 1}.yaml\n")
    (tmp_path / f"c{MAX_EXTENDS + 5}.yaml").write_text(f"extends: {SHIPPED}\n")
    code, err = _run(capsys, "simulate", str(tmp_path / "c0.yaml"))
    _one_line(code, err)
    assert f"longer than {MAX_EXTENDS} files" in err


def test_pack_without_pack_yaml_is_refused_before_hashing(tmp_path, capsys):
    (tmp_path / "big").mkdir()
    for i in range(2000):
        (tmp_path / "big" / f"f{i}.yaml").write_text("x: 1\n")
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {SHIPPED}\npack: big\n")
    code, err = _run(capsys, "simulate", str(path))
    _one_line(code, err)
    assert "no pack.yaml" in err
