"""Replications on disk: bit-exact files, shards merged into the unsharded result, refusals,
and an interrupted run resumed to the identical result without repeating work."""

from __future__ import annotations

import json
import shutil

import pytest

from policy import FileFormatError
from simulate import InlineExecutor, load_scenario, run_experiment, summary_json
from simulate.store import checksum, decode, encode, merge, read_records
from simulate.sweep import Plan, Storage, run_info, run_sweep, sweep_json, sweep_of
from simulate.variants import base_variant, load_variants, parse_vary

from .conftest import SCENARIOS
from .test_sweep import STAFF, small_gate

VERSION = "test"


class Interrupted(Exception):
    """Stands for Ctrl-C or a killed worker, after some replications finished."""


def plain_run(path, folder, seed=3, resume=False):
    """A plain run of *path*: its one variant, its identity and where it stores replications."""
    variant = base_variant(path)
    return [variant], run_info([variant], variant.digest, seed, ()), Storage(folder, resume, VERSION)


def test_a_replication_reads_back_bit_identical():
    scenario = load_scenario(SCENARIOS / "blossom-weekend.yaml")
    result = run_experiment(scenario, 1, executor=InlineExecutor()).replications[0]
    back = decode(json.loads(json.dumps(encode(result))))
    assert back == result and repr(back) == repr(result)


def test_shards_merge_into_the_unsharded_summary(tmp_path):
    path = small_gate(tmp_path)
    variants, run, whole = plain_run(path, tmp_path / "whole")
    experiment = run_sweep(variants, run, Plan(6), InlineExecutor(), whole).variants[0].experiment
    assert experiment == run_experiment(variants[0].scenario, 6, 3, executor=InlineExecutor())
    for name, reps in (("a", (0, 2)), ("b", (2, 5)), ("c", (5, 6)), ("overlap", (1, 3))):
        _, _, storage = plain_run(path, tmp_path / name)
        assert run_sweep(variants, run, Plan(6, reps=reps), InlineExecutor(), storage) is None
    merged = merge([tmp_path / d for d in ("c", "overlap", "a", "b")])      # any order; 1 and 2 twice
    assert len(merged.experiments) == 1
    one = merged.experiments[0]
    assert [r.replication for r in one.replications] == list(range(6))
    assert json.dumps(summary_json(one)) == json.dumps(summary_json(experiment))
    assert one == experiment


def test_merge_refuses_gaps_other_runs_and_conflicts(tmp_path):
    path = small_gate(tmp_path)
    variants, run, storage = plain_run(path, tmp_path / "a")
    run_sweep(variants, run, Plan(4, reps=(0, 2)), InlineExecutor(), storage)
    _, _, late = plain_run(path, tmp_path / "late")
    run_sweep(variants, run, Plan(4, reps=(3, 4)), InlineExecutor(), late)
    with pytest.raises(FileFormatError, match=r"replications 2 are missing \(have 3 of 0–3\) \[merge.gap\]"):
        merge([tmp_path / "a", tmp_path / "late"])
    _, seed4, other_seed = plain_run(path, tmp_path / "seed4", seed=4)
    run_sweep(variants, seed4, Plan(4, reps=(2, 3)), InlineExecutor(), other_seed)
    with pytest.raises(FileFormatError, match=r"seed 4\) than .*seed 3\) \[merge.mixed\]"):
        merge([tmp_path / "a", tmp_path / "seed4"])
    forged = tmp_path / "forged"
    shutil.copytree(tmp_path / "a", forged)
    record = next(forged.glob("replications/*/r000001.json"))
    doc = json.loads(record.read_text())
    doc["result"]["containment"]["arrivals"] += 1
    doc["sha256"] = checksum(doc)                       # a forger who also fixes the checksum
    record.write_text(json.dumps(doc))
    with pytest.raises(FileFormatError, match=r"replication 1 differs from the one in .* \[merge.conflict\]"):
        merge([tmp_path / "a", forged])
    with pytest.raises(FileFormatError, match=r"no replication files found"):
        merge([tmp_path / "nothing"])


def test_a_broken_file_is_named(tmp_path):
    variants, run, storage = plain_run(small_gate(tmp_path), tmp_path / "out")
    run_sweep(variants, run, Plan(1), InlineExecutor(), storage)
    record = next((tmp_path / "out").glob("replications/*/r000000.json"))
    record.write_text("{not json", encoding="utf-8")
    with pytest.raises(FileFormatError) as caught:
        read_records(tmp_path / "out")
    assert str(caught.value).startswith(f"{record}: not a replication file: ")


def test_an_interrupted_run_resumes_to_the_identical_result(tmp_path):
    path = small_gate(tmp_path)
    variants = load_variants(path, [parse_vary(f"{STAFF}=3..4")])
    info = run_info(variants, base_variant(path).digest, 9, (f"{STAFF}=3..4",))
    reference = run_sweep(variants, info, Plan(5), InlineExecutor())
    seen = []

    def stop_after_three(variant, result):
        seen.append((variant.index, result.replication))
        if len(seen) == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        run_sweep(variants, info, Plan(5), InlineExecutor(), Storage(tmp_path / "out", False, VERSION),
                  stop_after_three)
    assert sorted((r.variant.index, r.result.replication) for r in read_records(tmp_path / "out")) == sorted(seen)
    again = []
    resumed = run_sweep(variants, info, Plan(5), InlineExecutor(), Storage(tmp_path / "out", True, VERSION),
                        lambda v, r: again.append((v.index, r.replication)))
    assert not set(again) & set(seen) and len(again) == 10 - 3        # nothing run twice, nothing lost
    assert json.dumps(sweep_json(resumed)) == json.dumps(sweep_json(reference))
    assert resumed == reference
    assert sweep_of(merge([tmp_path / "out"])) == reference       # the files alone give the same sweep


def test_a_fresh_run_replaces_what_it_writes_and_keeps_the_rest(tmp_path):
    path = small_gate(tmp_path)
    variants, run, storage = plain_run(path, tmp_path / "out")
    run_sweep(variants, run, Plan(5), InlineExecutor(), storage)
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("replications/*/r*.json")}
    run_sweep(variants, run, Plan(2), InlineExecutor(), storage)               # not --resume: starts over
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("replications/*/r*.json")}
    assert sorted(after) == sorted(before) and len(after) == 5                 # r2–r4 are not deleted
    assert sorted(n for n in after if after[n] != before[n]) == ["r000000.json", "r000001.json"]
    ran = []
    run_sweep(variants, run, Plan(3), InlineExecutor(), Storage(tmp_path / "out", True, "other"),
              lambda v, r: ran.append(r.replication))
    assert sorted(ran) == [0, 1, 2]                                           # another version's files are not reused
