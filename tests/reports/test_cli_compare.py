"""``policysim compare`` through its own parser: output, files, user mistakes, atomic writes."""

import argparse

import pytest

import cli.compare_cmds as compare_cmds
from policy import PolicysimError

from .conftest import PAIR, SCENARIOS


def parse(*argv):
    parser = argparse.ArgumentParser(prog="policysim")
    compare_cmds.add_commands(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["compare", *argv])


def args_for(out, *extra):
    return parse(*(str(SCENARIOS / n) for n in PAIR), "--replications", "2", "--jobs", "2",
                 "--out", str(out), "--quiet", *extra)


def test_compare_two_shipped_scenarios(tmp_path, capsys):
    out = tmp_path / "report"
    args = args_for(out, "--lang", "zh")
    assert args.func is compare_cmds.run_compare
    assert args.func(args) == 0
    printed = capsys.readouterr().out
    assert f"report: {out / 'report.html'}" in printed
    assert "blossom-weekend" in printed and "blossom-volunteers" in printed
    assert "达标" in printed or "未达标" in printed or "尚难判断" in printed
    assert "\x1b[" not in printed                               # plain text when not a terminal
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {"report.html", "summary.md", "metrics.csv", "comparison.csv", "verdicts.csv",
            "figures/queues.png", "figures/differences.png"} <= files
    assert not [f for f in files if f.split("/")[-1].startswith(".")]    # no temporary files left
    assert "情景比较" in (out / "summary.md").read_text(encoding="utf-8")


def test_defaults():
    args = parse("a.yaml")
    assert (args.out, args.lang, args.replications, args.seed, args.quiet) == \
        ("out/compare", "en", None, None, False)


@pytest.mark.parametrize("argv", [["a.yaml", "--replications", "1"], ["a.yaml", "--lang", "fr"],
                                  ["a.yaml", "--seed", "-1"], ["a.yaml", "--jobs", "zero"], []])
def test_bad_arguments_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        parse(*argv)
    assert info.value.code == 2


def test_a_bad_scenario_file_is_a_users_mistake(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nhorizon: {days: lots}\n", encoding="utf-8")
    args = parse(str(SCENARIOS / PAIR[0]), str(bad), "--out", str(tmp_path / "out"), "--quiet")
    with pytest.raises(PolicysimError) as info:
        args.func(args)
    assert "bad.yaml" in str(info.value) and "\n" not in str(info.value)
    assert not (tmp_path / "out").exists()


def test_an_unwritable_out_dir_is_a_users_mistake(tmp_path, experiments, scenarios):
    blocker = tmp_path / "file"
    blocker.write_text("in the way", encoding="utf-8")
    with pytest.raises(PolicysimError, match="cannot write the report"):
        compare_cmds.write_report(experiments, blocker / "sub", "en", scenarios=scenarios)
    args = parse(str(SCENARIOS / PAIR[0]), "--out", str(blocker), "--quiet")
    with pytest.raises(PolicysimError, match="is not a directory"):
        args.func(args)                          # found before any replication runs


def test_a_failed_run_leaves_no_report(tmp_path, experiments, scenarios, report_en, monkeypatch):
    import reports
    out = tmp_path / "out"
    monkeypatch.setattr(reports, "build_report", lambda *_, **__: report_en)
    writer = compare_cmds.atomic_writer
    calls = []

    def failing(path, binary=False):
        calls.append(path)
        if len(calls) == 3:
            raise RuntimeError("disk gone")
        return writer(path, binary)

    monkeypatch.setattr(compare_cmds, "atomic_writer", failing)
    with pytest.raises(RuntimeError, match="disk gone"):
        compare_cmds.write_report(experiments, out, "en", scenarios=scenarios)
    assert len(calls) == 3
    assert not (out / "report.html").exists()
    assert not (out / "summary.md").exists()
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]
