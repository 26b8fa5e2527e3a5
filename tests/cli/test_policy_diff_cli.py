"""``policysim policy diff`` as CI uses it: exit codes, the JSON document, located bad lines."""

import json
import shutil
from pathlib import Path

import pytest

from cli.main import main

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policy" / "packs" / "xiongerzhai-2020"
REGISTER = ROOT / "registers" / "xiongerzhai-2020.jsonl"
NO_PASS = ("  when: {gate_level: village, role: {in: [resident, commuter]}, has_pass: false}\n"
           "  then: admit_and_register")


@pytest.fixture(scope="module")
def new_pack(tmp_path_factory):
    """The shipped pack with villagers without a pass turned back (8% of gate cases change)."""
    root = tmp_path_factory.mktemp("packs") / "new"
    shutil.copytree(PACK, root)
    rules = root / "rules" / "gate.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        NO_PASS, NO_PASS.replace("admit_and_register", "turn_back")), encoding="utf-8")
    (root / "pack.yaml").write_text((root / "pack.yaml").read_text(encoding="utf-8")
                                    .replace("version: 2", "version: 3"), encoding="utf-8")
    return root


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_report_has_matrix_breakdowns_cases_and_summary(capsys, new_pack):
    code, out, err = run(capsys, "policy", "diff", PACK, new_pack, "--input", REGISTER)
    assert code == 0, err
    assert "policy diff xiongerzhai-2020@2 → xiongerzhai-2020@3" in out
    assert "gate_admission: 228 of 2,772 change (8.2%)" in out
    assert "old \\ new" in out and "changed by village:" in out and "changed by role (role):" in out
    assert "gate.resident-village-no-pass-2020-02-09) → turn_back" in out
    assert "… and 208 more" in out
    assert out.rstrip().endswith("228 of 5,718 decisions change (4.0%)")


def test_fail_over_gates_the_blast_radius(capsys, new_pack):
    assert run(capsys, "policy", "diff", PACK, new_pack, "--input", REGISTER, "--fail-over", "5")[0] == 0
    code, _, err = run(capsys, "policy", "diff", PACK, new_pack, "--input", REGISTER, "--fail-over", "3.5")
    assert code == 1 and "4.0% of decisions change, over --fail-over 3.5%" in err
    assert run(capsys, "policy", "diff", PACK, PACK, "--input", REGISTER, "--fail-over", "0")[0] == 0


def test_json_document_lists_every_changed_case(capsys, new_pack, tmp_path):
    target = tmp_path / "out" / "impact.json"
    code, out, _ = run(capsys, "policy", "diff", PACK, new_pack, "--input", REGISTER, "--format", "json",
                       "--output", target)
    assert code == 0 and out == ""
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert set(doc) == {"old", "new", "input", "records", "changed", "percent", "decisions", "errors"}
    assert (doc["records"], doc["changed"], doc["errors"]) == (5718, 228, [])
    gate = doc["decisions"][0]
    assert gate["decision"] == "gate_admission" and len(gate["changed_records"]) == gate["changed"] == 228
    assert {"old": "admit_and_register", "new": "turn_back", "count": 228} in gate["transitions"]
    case = gate["changed_records"][0]
    assert set(case) == {"id", "line", "at", "village", "role", "old", "new"}
    assert case["new"]["rule"] == "gate.resident-village-no-pass-2020-02-09"
    assert set(case["new"]["reason"]) == {"zh", "en"}
    assert sum(v["changed"] for v in gate["by_village"]) == 228
    assert list(tmp_path.joinpath("out").iterdir()) == [target]  # no temporary file left behind


def test_bad_lines_are_reported_with_file_and_line_and_exit_2(capsys, tmp_path, new_pack):
    lines = REGISTER.read_text(encoding="utf-8").splitlines()[:50]
    lines[3] = "{broken"
    lines[7] = lines[7].replace('"decision": "', '"decision": "x')
    register = tmp_path / "r.jsonl"
    register.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "policy", "diff", PACK, new_pack, "--input", register, "--fail-over", "0")
    assert code == 2
    problems = [x for x in err.splitlines() if x.startswith(f"policysim: {register}:")]
    assert [p.split(":")[2] for p in problems] == ["4", "8"]
    assert "compared 48 cases; 2 bad lines were skipped" in err
    assert "of 48 decisions change" in out


def test_user_mistakes_are_one_line_exit_2(capsys, new_pack, tmp_path):
    code, _, err = run(capsys, "policy", "diff", PACK, new_pack, "--input", tmp_path / "missing.jsonl")
    assert code == 2 and err.count("\n") == 1 and "no such file" in err
    code, _, err = run(capsys, "policy", "diff", PACK, tmp_path / "no-pack", "--input", REGISTER)
    assert code == 2 and err.count("\n") == 1
