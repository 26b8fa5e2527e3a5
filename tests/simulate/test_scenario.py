"""Scenario files: the shipped ones load and say what the field report says; bad ones fail located."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy.errors import FileFormatError
from simulate import load_scenario

from .conftest import MMC, SCENARIOS, SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenarios_load(path):
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    assert Path(scenario.pack).name == "xiongerzhai-2020"


def test_baseline_has_the_field_reports_layout():
    s = load_scenario(SCENARIOS / "baseline-march-weekend.yaml")
    entrances = s.township.entrances()
    assert len(s.township.villages) == 7
    assert len(entrances) == 58
    assert sum(e.status == "closed" for e in entrances) == 46
    assert sum(e.status == "staffed" for e in entrances) == 12
    gates = {g.id: g.status for g in s.township.gates}
    assert gates == {"pingcheng-south": "staffed", "pingcheng-north": "staffed", "xiongnan": "closed"}
    assert {p.id for p in s.patrols} >= {"mountain"} and s.cameras.sites


def test_variants_state_only_what_changes():
    base = load_scenario(SCENARIOS / "blossom-weekend.yaml")
    reopen = load_scenario(SCENARIOS / "blossom-reopen-entrances.yaml")
    staffed = [e.id for e in reopen.township.entrances() if e.status == "staffed"]
    assert len(staffed) == 17 and "xez-c3" in staffed
    assert reopen.streams == base.streams and reopen.service == base.service
    no_gate = load_scenario(SCENARIOS / "blossom-no-township-gate.yaml")
    assert {g.id: (g.status, g.shift) for g in no_gate.township.gates}["pingcheng-south"] == ("open", None)
    tourists = {s.id: s for s in base.streams}["tourists"]
    assert tourists.volume["weekend"] == 400 and tourists.occupancy_mean == 2.7   # merged, not replaced


def _error(path) -> FileFormatError:
    with pytest.raises(FileFormatError) as info:
        load_scenario(path)
    return info.value


def test_a_bad_value_names_file_line_column_and_field(variant):
    path = variant(MMC, "streams:\n  arrivals:\n    has_pass: lots\n")
    err = _error(path)
    d = err.diagnostics[0]
    assert (d.location.file, d.location.line, d.location.col) == (str(path), 4, 15)
    assert d.location.path == "streams.arrivals.has_pass"
    assert str(err).startswith(f"{path}:4:15: streams.arrivals.has_pass: expected a number")
    assert "\n" not in str(err)


def test_every_problem_is_reported_in_file_order(variant):
    path = variant(MMC, """\
seed: -3
shifts: {round-the-clock: [{from: "25:00", to: "24:00", staff: 3}]}
villages: {only: {entrances: {gate: {status: staffed, shift: nightly}}}}
streams: {arrivals: {route: bus, colour: red}}
""")
    err = _error(path)
    codes = [(d.location.line, d.code) for d in err.diagnostics]
    assert codes == sorted(codes)
    assert {c for _, c in codes} >= {"scenario.range", "scenario.clock", "scenario.reference",
                                     "scenario.choice", "scenario.unknown-field"}
    assert f"(and {len(codes) - 1} more)" in str(err)


def test_errors_in_a_base_point_into_the_base(tmp_path, variant):
    base = tmp_path / "base.yaml"
    base.write_text(MMC.read_text(encoding="utf-8").replace("replications: 10", "replications: many")
                    .replace("pack: ../packs/admit-all", f"pack: {MMC.parent.parent / 'packs' / 'admit-all'}"),
                    encoding="utf-8")
    err = _error(variant(base, "seed: 3\n"))
    assert err.diagnostics[0].location.file == str(base)
    assert err.diagnostics[0].location.path == "replications"


def test_extends_overrides_one_item_and_null_deletes(variant):
    path = variant(SCENARIOS / "baseline-march-weekend.yaml", """
villages: {nancha: {entrances: {nc-c1: {status: staffed, shift: village-entrance, camera: null}}}}
streams: {hikers: null}
""")
    s = load_scenario(path)
    nc = {e.id: e for e in s.township.entrances()}["nc-c1"]
    assert (nc.status, nc.camera) == ("staffed", False)
    assert "hikers" not in {x.id for x in s.streams}
    assert len(s.township.entrances()) == 58


def test_extends_cycles_and_missing_bases_are_located(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("extends: b.yaml\n", encoding="utf-8")
    b.write_text("extends: a.yaml\n", encoding="utf-8")
    assert _error(a).diagnostics[0].code == "scenario.extends-cycle"
    c = tmp_path / "c.yaml"
    c.write_text("seed: 1\nextends: nowhere.yaml\n", encoding="utf-8")
    d = _error(c).diagnostics[0]
    assert (d.code, d.location.line) == ("scenario.extends-missing", 2)


@pytest.mark.parametrize(("text", "code"), [
    ("streams: [\n", "yaml.syntax"),
    ("- just a list\n", "scenario.type"),
    ("seed: 1\nseed: 2\n", "yaml.duplicate-key"),
])
def test_malformed_files_fail_cleanly(tmp_path, text, code):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    assert _error(path).diagnostics[0].code == code


def test_missing_file_and_pack_are_errors(tmp_path, variant):
    assert _error(tmp_path / "absent.yaml").diagnostics[0].code == "file.missing"
    err = _error(variant(MMC, "pack: no-such-pack\n"))
    assert err.diagnostics[0].code == "scenario.pack"


def test_a_scenario_knows_the_files_it_was_read_from():
    from pathlib import Path

    from simulate import load_scenario
    root = Path(__file__).resolve().parents[2] / "scenarios"
    scenario = load_scenario(root / "blossom-volunteers.yaml")
    assert [Path(f).name for f in scenario.files] == [
        "blossom-volunteers.yaml", "blossom-weekend.yaml", "baseline-march-weekend.yaml"]
