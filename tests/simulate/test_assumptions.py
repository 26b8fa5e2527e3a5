"""Assumptions ({value, range, source}), worlds, comply as the rest, and ``policysim assumptions``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cli.main import main
from policy.errors import FileFormatError
from simulate import groups_of, load_scenario, scenario_assumptions
from simulate.scenario_reader import Override

from .conftest import ROOT

BLOSSOM = ROOT / "scenarios" / "blossom-weekend.yaml"
SOURCES = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _variant(tmp_path: Path, body: str) -> Path:
    return _write(tmp_path, "v.yaml", f"extends: {BLOSSOM}\n{body}")


def _errors(path: Path) -> list[str]:
    with pytest.raises(FileFormatError) as err:
        load_scenario(path)
    return [str(d) for d in err.value.diagnostics]


def test_the_shipped_blossom_weekend_states_its_assumptions_each_in_range_with_a_source():
    found = scenario_assumptions(BLOSSOM)
    assert len(found) == 40
    ids = set(re.findall(r'<a id="([^"]+)">', SOURCES))
    for a in found:
        assert a.low <= a.value <= a.high, a
        assert a.source in ids or " " in a.source, a          # a sources.md id or a sentence
        assert a.line > 0 and Path(a.file).is_file()
    names = {a.name: a for a in found}
    assert names["streams.tourists.volume.weekend"].value == 400.0
    assert (names["streams.tourists.volume.weekend"].low, names["streams.tourists.volume.weekend"].high) == (200, 600)
    assert names["streams.tourists.queue.balk_from"].integer
    assert not names["streams.tourists.behaviour.hotspot"].integer


def test_a_world_changes_only_its_values_and_the_point_world_is_the_scenario():
    point = load_scenario(BLOSSOM)
    assert load_scenario(BLOSSOM, world={}) == point
    assert load_scenario(BLOSSOM, world={a.name: a.value for a in point.assumptions}) == point
    world = load_scenario(BLOSSOM, world={"streams.tourists.volume.weekend": 250.0,
                                          "streams.tourists.queue.balk_from": 6.5})
    tourists = next(s for s in world.streams if s.id == "tourists")
    assert tourists.volume["weekend"] == 250.0
    assert tourists.queue is not None and tourists.queue.balk_from == 7      # whole: the nearest
    assert world.assumptions == point.assumptions                            # the point values
    assert [s for s in world.streams if s.id != "tourists"] == [s for s in point.streams if s.id != "tourists"]


def test_a_world_outside_a_range_or_naming_no_assumption_is_a_value_error():
    with pytest.raises(ValueError, match=r"streams.tourists.volume.weekend = 700 is outside its range \[200, 600\]"):
        load_scenario(BLOSSOM, world={"streams.tourists.volume.weekend": 700})
    with pytest.raises(ValueError, match=r"'streams\.tourists\.volume\.weekday' is not an assumption"):
        load_scenario(BLOSSOM, world={"streams.tourists.volume.weekday": 70})


def test_comply_left_out_is_the_rest():
    point = load_scenario(BLOSSOM)
    assert next(s for s in point.streams if s.id == "tourists").behaviour.comply == 0.85   # exactly
    world = load_scenario(BLOSSOM, world={"streams.tourists.behaviour.hotspot": 0.3,
                                          "streams.tourists.behaviour.closed_entrance": 0.2})
    assert next(s for s in world.streams if s.id == "tourists").behaviour.comply == pytest.approx(0.5)


def test_shares_above_one_with_comply_left_out_are_reported(tmp_path):
    path = _variant(tmp_path, "streams:\n  commuters:\n    behaviour: {closed_entrance: 0.7, hotspot: 0.6}\n")
    (msg,) = _errors(path)
    assert msg.startswith(f"{path}:4:16: streams.commuters.behaviour: closed_entrance + hotspot exceed 1")


def test_the_form_mistakes_are_located(tmp_path):
    path = _variant(tmp_path, (
        "streams:\n  tourists:\n    volume:\n"
        "      weekday: {value: 70, range: [10, 50], source: A-demand}\n"
        "      holiday: {value: 5, range: [9, 3], source: A-demand}\n"
        "  hikers:\n    volume:\n"
        "      weekday: {value: 3, range: [1], source: A-demand}\n"
        "      holiday: {value: 3, range: [1, 5], source: ''}\n"
        "  relatives:\n    volume:\n"
        "      weekday: {value: 3, range: [1, 5], source: A-demand, why: x}\n"
        "      holiday: {value: 3, source: A-demand}\n"))
    assert _errors(path) == [
        f"{path}:5:24: streams.tourists.volume.weekday: 70 is outside its range [10, 50] [scenario.range]",
        f"{path}:6:34: streams.tourists.volume.holiday.range: the range's low (9) must not exceed its high (3) "
        "[scenario.range]",
        f"{path}:9:34: streams.hikers.volume.weekday.range: a range is two finite numbers [low, high] "
        "[scenario.assumption]",
        f"{path}:10:50: streams.hikers.volume.holiday.source: an assumption needs a source: a docs/sources.md id "
        "(A-…) or a short reason [scenario.assumption]",
        f"{path}:13:65: streams.relatives.volume.weekday.why: unknown field 'why' in an assumption "
        "(expected: value, range, source, group) [scenario.assumption]",
        f"{path}:14:16: streams.relatives.volume.holiday: an assumption needs a range: [low, high] "
        "[scenario.assumption]",
    ]


def test_a_format_error_in_an_assumption_points_at_its_value(tmp_path):
    path = _variant(tmp_path, "streams:\n  tourists:\n    volume:\n"
                              "      weekday: {value: -5, range: [-10, 50], source: A-demand}\n")
    (msg,) = _errors(path)
    assert msg.startswith(f"{path}:5:24: streams.tourists.volume.weekday: -5")


def test_extends_may_restate_the_value_only_keeping_the_range(tmp_path):
    plain = _variant(tmp_path, "streams:\n  tourists:\n    volume: {weekend: 300}\n")
    restated = _write(tmp_path, "r.yaml", f"extends: {BLOSSOM}\nstreams:\n  tourists:\n"
                                          "    volume: {weekend: {value: 500}}\n")
    for path, value, line in ((plain, 300, 4), (restated, 500, 4)):
        a = next(a for a in scenario_assumptions(path) if a.name == "streams.tourists.volume.weekend")
        assert (a.value, a.low, a.high, a.source, a.file, a.line) == (value, 200, 600, "A-demand", str(path), line)
    outside = _variant(tmp_path, "streams:\n  tourists:\n    volume: {weekend: 900}\n")
    assert _errors(outside) == [f"{outside}:4:23: streams.tourists.volume.weekend: 900 is outside its range "
                                "[200, 600] [scenario.range]"]


def test_a_vary_replaces_the_point_value_keeps_the_range_and_may_leave_it():
    vary = Override(("streams", "tourists", "volume", "weekend"), 900, "--vary streams.tourists.volume.weekend=900")
    scenario = load_scenario(BLOSSOM, (vary,))
    assert next(s for s in scenario.streams if s.id == "tourists").volume["weekend"] == 900
    a = next(a for a in scenario.assumptions if a.name == "streams.tourists.volume.weekend")
    assert (a.value, a.low, a.high, a.file) == (900, 200, 600, vary.origin)


def test_the_assumptions_command_text_json_csv(capsys):
    assert main(["assumptions", str(BLOSSOM)]) == 0
    text = capsys.readouterr().out
    assert re.search(r"streams\.tourists\.volume\.weekend +400 +\[200, 600\] +A-demand +- +\S+blossom-weekend.yaml:18",
                     text)
    assert text.endswith("40 assumptions\n")
    assert main(["assumptions", str(BLOSSOM), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["assumptions"]
    assert len(rows) == 40 and rows[0]["name"] == "service.by_outcome.admit.mean"
    assert main(["assumptions", str(BLOSSOM), "--format", "csv",
                 "--vary", "streams.tourists.behaviour.hotspot=0.25"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "name,value,low,high,integer,source,group,file,line" and len(lines) == 41
    assert "streams.tourists.behaviour.hotspot,0.25,0.02,0.3,False,A-journeys,," in "\n".join(lines)


def test_the_assumptions_command_refuses_bad_input_on_one_line(tmp_path, capsys):
    bad = _variant(tmp_path, "streams:\n  tourists:\n    volume: {weekend: {value: 1, range: [2, 3], source: x}}\n")
    assert main(["assumptions", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "outside its range [2, 3] [scenario.range]" in err
    assert main(["assumptions", str(BLOSSOM), "--vary", "streams.tourists.volume.weekend=1,2"]) == 2


def test_a_group_is_kept_shown_and_gathers_its_assumptions_into_one_factor(tmp_path, capsys):
    path = _variant(tmp_path, (
        "streams:\n  tourists:\n    volume:\n"
        "      weekday: {value: 70, range: [10, 90], source: A-demand, group: cars}\n"
        "      holiday: {value: 50, range: [10, 90], source: A-demand, group: cars}\n"))
    found = scenario_assumptions(path)
    named = {a.name: a for a in found}
    assert named["streams.tourists.volume.weekday"].group == "cars"
    assert named["streams.tourists.volume.weekend"].group == ""
    assert named["streams.tourists.volume.weekend"].factor == "streams.tourists.volume.weekend"
    factors = groups_of(found)
    assert [a.name for a in factors["cars"]] == ["streams.tourists.volume.weekday", "streams.tourists.volume.holiday"]
    assert sum(len(v) for v in factors.values()) == len(found)
    # a world still draws each member on its own
    world = load_scenario(path, world={"streams.tourists.volume.weekday": 20.0})
    tourists = next(s for s in world.streams if s.id == "tourists")
    assert (tourists.volume["weekday"], tourists.volume["holiday"]) == (20.0, 50.0)
    # a variant restating the value keeps the base's group
    again = _write(tmp_path, "w.yaml", f"extends: {path}\nstreams:\n  tourists:\n    volume: {{holiday: 60}}\n")
    assert next(a for a in scenario_assumptions(again) if a.name.endswith("holiday")).group == "cars"
    assert main(["assumptions", str(path), "--format", "csv"]) == 0
    assert "streams.tourists.volume.weekday,70.0,10.0,90.0,False,A-demand,cars," in capsys.readouterr().out
    assert main(["assumptions", str(path), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["assumptions"]
    assert {r["group"] for r in rows} == {"", "cars"}
    assert main(["assumptions", str(path)]) == 0
    assert re.search(r"streams\.tourists\.volume\.holiday +50 +\[10, 90\] +A-demand +cars +\S+v\.yaml:6",
                     capsys.readouterr().out)


def test_a_bad_group_is_located(tmp_path):
    path = _variant(tmp_path, "streams:\n  tourists:\n    volume:\n"
                              "      weekday: {value: 70, range: [10, 90], source: A-demand, group: Round Min}\n")
    assert _errors(path) == [
        f"{path}:5:70: streams.tourists.volume.weekday.group: a group is a short name of lower-case letters, "
        "digits and _ . - (at most 40) [scenario.assumption]"]
