"""The hostile corpus: several hundred cases generated from the shipped files.

Each generator mutates something policysim ships — the scenarios, the xiongerzhai-2020 pack,
the example JSONL records and the register — or the command line, and says what a correct
answer is (:class:`~tests.hostile.outcomes.Expect`, a check, the paths that must survive).
Every case of issue 10 is here by name (``issue=``). Generation is deterministic (a fixed
seed), so two runs of the corpus try the same inputs and their totals can be compared.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from .outcomes import MESSAGE_FAULT, REPO, Case, Expect, Result

SEED = 20200418
PACK_DIR = REPO / "policy" / "packs" / "xiongerzhai-2020"
BASELINE = REPO / "scenarios" / "baseline-march-weekend.yaml"

# A scenario short enough that one run costs about a second: 8 hours of the baseline, 2 replications.
SIM = ("simulate", "s.yaml", "--jobs", "1", "--quiet")
DECIDE = ("decide", "p", "--decision", "gate_admission", "--at", "2020-04-18")
# Bigger than any sane input, small enough to write in a moment: the "huge file" cases.
HUGE_BYTES = 48 * 1024 * 1024
# Values a careless or hostile author puts where a field's value should be.
HOSTILE_VALUES: tuple[Any, ...] = (
    "x", None, True, [], {"a": 1}, -1, 0, 1e308, float("nan"), float("inf"), -float("inf"),
    10**20, 1e-300, "", "1.0e308", [[[[[]]]]], "日本語\u202e", 3.5,
)


def _dump(data: Any) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000).encode()


def base_scenario() -> dict[str, Any]:
    """The baseline scenario, self-contained (absolute pack path) and cut to 8 hours × 2 runs."""
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    data["pack"] = str(PACK_DIR)
    data["horizon"] = {"start": "2020-03-14T00:00", "hours": 8}
    data["replications"] = 2
    return data


def pack_files(prefix: str = "p") -> dict[str, bytes]:
    return {f"{prefix}/{p.relative_to(PACK_DIR)}": p.read_bytes()
            for p in sorted(PACK_DIR.rglob("*.yaml"))}


GATE_LINES = (REPO / "examples" / "gate-cases.jsonl").read_text(encoding="utf-8").splitlines()


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list) and data and isinstance(data[0], (dict, list)):
        for i, value in enumerate(data):
            yield from _leaves(value, (*path, i))
    else:
        yield path, data


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def _delete(data: Any, path: tuple[Any, ...]) -> Any:
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return data


def _must_refuse(original: Any, value: Any) -> bool:
    """NaN is never a valid number, and nothing counted or timed in a scenario is negative."""
    if isinstance(value, float) and value != value:
        return True
    numeric = isinstance(original, (int, float)) and not isinstance(original, bool)
    return numeric and isinstance(value, int) and not isinstance(value, bool) and value < 0


def _label(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


# --- checks for silently wrong answers -----------------------------------------------------------


def p95_must_not_hold(result: Result) -> str | None:
    """With nobody screening (or service taking forever), the wait target cannot hold."""
    if result.returncode == 0 and re.search(r"p95_wait_min\W+\S+\W+[\d.]+ ±[\d.]+\W+holds", result.stdout):
        return "p95 wait target 'holds' with parties never served"
    return None


def _outcome_of(result: Result, record_id: str) -> str | None:
    for line in result.stdout.splitlines():
        with_id = line.strip()
        if not with_id.startswith("{"):
            continue
        try:
            obj = json.loads(with_id)
        except ValueError:
            continue
        if obj.get("id") == record_id:
            return str(obj.get("outcome"))
    return None


def fever_not_admitted(record_id: str) -> Callable[[Result], str | None]:
    def check(result: Result) -> str | None:
        outcome = _outcome_of(result, record_id)
        if outcome is not None and outcome != "hold_for_medical":
            return f"a record holding a fever reading was decided {outcome}"
        return None
    return check


def never_says(*texts: str) -> Callable[[Result], str | None]:
    def check(result: Result) -> str | None:
        for text in texts:
            if text in result.stderr or text in result.stdout:
                return f"{MESSAGE_FAULT}leaks {text!r} from a file that is not a valid document"
        return None
    return check


def mentions(text: str) -> Callable[[Result], str | None]:
    def check(result: Result) -> str | None:
        if result.returncode == 2 and text not in result.stderr:
            return f"{MESSAGE_FAULT}the error does not name {text!r}"
        return None
    return check


def said_something(result: Result) -> str | None:
    """A run that must at least warn: exit 0 with nothing on stderr is silent."""
    if result.returncode == 0 and not result.stderr.strip():
        return "decided without a word about it"
    return None


def literal_title(result: Result) -> str | None:
    if result.returncode == 0 and "[link=" not in result.stdout:
        return "terminal markup in a title was interpreted, not printed"
    return None


# --- scenario cases --------------------------------------------------------------------------------


def scenario_mutations(rng: random.Random) -> Iterator[Case]:
    base = base_scenario()
    leaves = [(p, v) for p, v in _leaves(base) if p[0] not in ("name", "title", "pack")]
    for path, original in rng.sample(leaves, 36):
        for value in rng.sample(HOSTILE_VALUES, 2):
            mutated = _set(base, path, value)
            yield Case(f"scenario.{_label(path)}={value!r:.20}", SIM, {"s.yaml": _dump(mutated)},
                       expect=Expect.REJECT if _must_refuse(original, value) else Expect.EITHER,
                       keep=("s.yaml",))
    for path, _ in rng.sample(leaves, 12):
        yield Case(f"scenario.{_label(path)} deleted", SIM, {"s.yaml": _dump(_delete(base, path))},
                   keep=("s.yaml",))
    for key in ("horizon", "targets", "shifts", "service", "streams", "cameras", "patrols", ""):
        mutated = copy.deepcopy(base)
        (mutated[key] if key else mutated)["surprise_key"] = 1
        yield Case(f"scenario.{key or 'top'} extra key", SIM, {"s.yaml": _dump(mutated)},
                   expect=Expect.REJECT, keep=("s.yaml",))


def _scenario_with(**changes: Any) -> bytes:
    data = base_scenario()
    for dotted, value in changes.items():
        path: tuple[Any, ...] = tuple(int(p) if p.isdigit() else p for p in dotted.split("__"))
        data = _set(data, path, value)
    return _dump(data)


def scenario_issue_cases() -> Iterator[Case]:
    zero = {"shifts__township-gate__0__staff": 0, "shifts__township-gate__1__staff": 0}
    yield Case("zero staff at the township gates", SIM, {"s.yaml": _scenario_with(**zero)},
               check=p95_must_not_hold, issue="zero staff meets the wait target")
    yield Case("service time 1e300 s", SIM,
               {"s.yaml": _scenario_with(service__by_outcome__admit__mean=1e300)},
               check=p95_must_not_hold, issue="service time of 1e300 s")
    refused = {
        "bound_per_h below the peak rate": {"streams__tourists__bound_per_h": 1},
        "warmup_min past the horizon": {"horizon__warmup_min": 100000},
        "shift from 24:30": {"shifts__township-gate__0__from": "24:30"},
        "shift from equal to to": {"shifts__township-gate__0__to": "06:00"},
        "horizon with days and hours": {"horizon__days": 1},
        "leg_min shorter than the route": {"patrols__mountain__leg_min": [30, 25]},
        "volume 1.0e+308": {"streams__tourists__volume": 1.0e308},
        "volume 1e7": {"streams__tourists__volume": 1e7},
        "bound_per_h 1.0e+308": {"streams__tourists__bound_per_h": 1.0e308},
        "lognormal cv 1e200": {"service__by_outcome__admit__cv": 1e200},
        "horizon days 10000": {"horizon": {"start": "2020-03-14T00:00", "days": 10000}},
        "horizon hours 1e300": {"horizon": {"start": "2020-03-14T00:00", "hours": 1e300}},
        "villages atlantis": {"streams__tourists__villages": {"atlantis": 1}},
        "decision given as a list": {"gate_policy__decision": ["gate_admission"]},
    }
    for name, change in refused.items():
        check = mentions("atlantis") if "atlantis" in name else None
        yield Case(f"scenario: {name}", SIM, {"s.yaml": _scenario_with(**change)}, expect=Expect.REJECT,
                   check=check, issue=name, timeout=20)
    text = _dump(base_scenario()).decode()
    yield Case("scenario: title with terminal markup", SIM,
               {"s.yaml": _scenario_with(title="Weekend [/x] plan [link=https://example.org]x[/link]")},
               check=literal_title, issue="title holding terminal markup")
    yield Case("scenario: 1:00 unquoted (YAML 1.1 sexagesimal)", SIM,
               {"s.yaml": text.replace("'06:00'", "6:00", 1).encode()}, issue="YAML 1.1 reading 1:00 as 60")
    yield Case("scenario: 1.0e308 plain (a string in YAML 1.1)", SIM,
               {"s.yaml": text.replace("volume:", "volume: 1.0e308\n    old_volume:", 1).encode()},
               expect=Expect.REJECT, issue="1.0e308 gives expected a number")
    yield Case("scenario: duplicate key", SIM, {"s.yaml": (text + "seed: 1\n").encode()},
               expect=Expect.REJECT)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    yield Case("scenario: YAML alias bomb", SIM, {"s.yaml": (text + bomb).encode()}, expect=Expect.REJECT,
               issue="YAML alias bomb", timeout=20)
    yield Case("scenario: !!python/name tag", SIM,
               {"s.yaml": text.replace("title:", "title: !!python/name:os.system\nold_title:", 1).encode()},
               expect=Expect.REJECT, issue="!!python/name errors span two lines")
    yield Case("scenario: 100k-deep flow nesting", SIM, {"s.yaml": ("x: " + "[" * 100_000 + "]" * 100_000).encode()},
               expect=Expect.REJECT)
    yield Case("scenario: tab indentation", SIM, {"s.yaml": text.replace("  ", "\t", 5).encode()})
    yield Case("scenario: BOM", SIM, {"s.yaml": b"\xef\xbb\xbf" + text.encode()})
    yield Case("scenario: CRLF", SIM, {"s.yaml": text.replace("\n", "\r\n").encode()})
    for at in (0.1, 0.35, 0.5, 0.9):
        cut = int(len(text) * at)
        yield Case(f"scenario: NUL byte at {at:.0%}", SIM, {"s.yaml": (text[:cut] + "\0" + text[cut:]).encode()},
                   expect=Expect.REJECT, issue="NUL-byte error spans two lines")
        raw = text.encode()
        yield Case(f"scenario: non-UTF-8 byte at {at:.0%}", SIM, {"s.yaml": raw[:cut] + b"\xff\xfe" + raw[cut:]},
                   expect=Expect.REJECT)
    for at in (0.05, 0.2, 0.45, 0.7, 0.97):
        yield Case(f"scenario: truncated at {at:.0%}", SIM, {"s.yaml": text[: int(len(text) * at)].encode()})
    for name, body in (("empty", b""), ("a comment", b"# nothing\n"), ("a list", b"- 1\n- 2\n"),
                       ("a scalar", b"42\n"), ("null", b"null\n"), ("JSON", json.dumps({"name": "x"}).encode()),
                       ("random bytes", random.Random(1).randbytes(4096))):
        yield Case(f"scenario file is {name}", SIM, {"s.yaml": body}, expect=Expect.REJECT)
    yield from scenario_extends_cases(text)
    yield from file_kind_cases(SIM, "s.yaml", "scenario")


def scenario_extends_cases(text: str) -> Iterator[Case]:
    def child(target: str) -> bytes:
        return f"extends: {target}\nname: child\n".encode()

    yield Case("extends /etc/shadow", SIM, {"s.yaml": child("/etc/shadow")}, expect=Expect.REJECT,
               check=never_says("root:"), issue="extends: /etc/shadow prints its first line")
    yield Case("extends /etc/passwd", SIM, {"s.yaml": child("/etc/passwd")}, expect=Expect.REJECT,
               check=never_says("root:x:0"))
    yield Case("extends /dev/zero", SIM, {"s.yaml": child("/dev/zero")}, expect=Expect.REJECT, timeout=20,
               issue="extends: /dev/zero")
    yield Case("extends itself", SIM, {"s.yaml": child("s.yaml")}, expect=Expect.REJECT)
    yield Case("extends a directory", SIM, {"s.yaml": child("."), }, expect=Expect.REJECT)
    yield Case("extends a missing file", SIM, {"s.yaml": child("nowhere.yaml")}, expect=Expect.REJECT)
    yield Case("extends a list document", SIM, {"s.yaml": child("l.yaml"), "l.yaml": b"- a\n"},
               expect=Expect.REJECT)
    yield Case("extends a list of files", SIM, {"s.yaml": b"extends: [a.yaml]\n", "a.yaml": text.encode()},
               expect=Expect.EITHER)
    chain = {f"c{i}.yaml": child(f"c{i + 1}.yaml") for i in range(1202)}
    chain["c1202.yaml"] = text.encode()
    chain["s.yaml"] = child("c0.yaml")
    yield Case("extends chain of 1202 files", SIM, chain, expect=Expect.REJECT, issue="extends chain of 1,202 files")
    yield Case("pack ../../../../usr", SIM, {"s.yaml": text.replace(str(PACK_DIR), "../../../../../../usr").encode()},
               expect=Expect.REJECT, timeout=20, issue="pack: ../../../../usr hashes 5.8 GB")
    yield Case("pack is a file", SIM, {"s.yaml": text.replace(str(PACK_DIR), "s.yaml").encode()},
               expect=Expect.REJECT)


def _huge(rel: str, line: bytes) -> Callable[[Path], None]:
    def write(cwd: Path) -> None:
        block = line * (1024 * 1024 // len(line) + 1)
        with open(cwd / rel, "wb") as f:
            for _ in range(HUGE_BYTES // len(block) + 1):
                f.write(block)
    return write


def _special(rel: str, kind: str) -> Callable[[Path], None]:
    def make(cwd: Path) -> None:
        target = cwd / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "dir":
            target.mkdir()
        elif kind == "fifo":
            os.mkfifo(target)
        elif kind == "loop":
            target.symlink_to(target.name)
        elif kind == "dangling":
            target.symlink_to("nowhere/at/all")
        elif kind == "devnull":
            target.symlink_to("/dev/null")
        elif kind == "devzero":
            target.symlink_to("/dev/zero")
        elif kind == "unreadable":
            target.write_text("name: x\n")
            target.chmod(0)
    return make


def file_kind_cases(argv: tuple[str, ...], rel: str, what: str,
                    files: dict[str, bytes] | None = None) -> Iterator[Case]:
    """*rel* is not a readable regular file of sane size (the other *files* are fine)."""
    others = {k: v for k, v in (files or {}).items() if k != rel}
    records = rel.endswith(".jsonl")  # decide: one line per bad record, exit 1 for undecided ones
    for kind in ("dir", "fifo", "loop", "dangling", "devnull", "devzero", "unreadable"):
        yield Case(f"{what} file is {kind}", argv, others, prepare=_special(rel, kind), expect=Expect.REJECT,
                   timeout=15, findings_exit=records, line_per_record=records)
    yield Case(f"{what} file is huge", argv, others, prepare=_huge(rel, b"# padding " * 10 + b"\n"),
               expect=Expect.REJECT, timeout=20, issue="a 300 MB YAML", line_per_record=records)
    yield Case(f"{what} file missing", argv, others, expect=Expect.REJECT)


# --- pack cases ------------------------------------------------------------------------------------

CHECK = ("policy", "check", "p")
TEST = ("policy", "test", "p")


def pack_mutations(rng: random.Random) -> Iterator[Case]:
    files = pack_files()
    for rel, argv, n in (("p/rules/gate.yaml", CHECK, 24), ("p/rules/quarantine.yaml", CHECK, 10),
                         ("p/pack.yaml", CHECK, 16), ("p/properties.yaml", CHECK, 8),
                         ("p/tests/gate.yaml", TEST, 14)):
        data = yaml.safe_load(files[rel])
        leaves = list(_leaves(data))
        for path, _original in rng.sample(leaves, min(n, len(leaves))):
            value = rng.choice(HOSTILE_VALUES)
            mutated = dict(files)
            mutated[rel] = _dump(_set(data, path, value))
            yield Case(f"pack {rel[2:]}:{_label(path)}={value!r:.20}", argv, mutated, findings_exit=True,
                       expect=Expect.REJECT if isinstance(value, float) and value != value else Expect.EITHER,
                       keep=(rel,))
        for path, _ in rng.sample(leaves, min(3, len(leaves))):
            mutated = dict(files)
            mutated[rel] = _dump(_delete(data, path))
            yield Case(f"pack {rel[2:]}:{_label(path)} deleted", argv, mutated, findings_exit=True)
    raw = files["p/rules/gate.yaml"]
    for name, body in (("NUL byte", raw[:500] + b"\0" + raw[500:]), ("non-UTF-8", raw[:500] + b"\xff" + raw[500:]),
                       ("duplicate key", raw.replace(b"  priority: 100\n", b"  priority: 100\n  priority: 1\n", 1)),
                       ("alias bomb", b"a: &a [x,x,x,x,x,x,x,x,x]\n" + b"".join(
                           f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n".encode()
                           for i in range(8))),
                       ("empty", b""), ("truncated", raw[: len(raw) // 3])):
        yield Case(f"pack rules/gate.yaml {name}", CHECK, {**files, "p/rules/gate.yaml": body},
                   expect=Expect.EITHER if name in ("truncated", "empty") else Expect.REJECT, findings_exit=True,
                   timeout=20)
    yield from file_kind_cases(CHECK, "p/pack.yaml", "pack.yaml", files)


def _rule(i: int, when: dict[str, Any], then: str = "admit", priority: int | None = None) -> dict[str, Any]:
    return {"id": f"gen.r{i:04d}", "decision": "gate_admission", "priority": priority if priority is not None else i,
            "when": when, "then": then, "reason": {"zh": "生成", "en": "generated"}, "source": "generated"}


def generated_pack_cases() -> Iterator[Case]:
    files = pack_files()
    record = b'{"id": "fever", "gate_level": "township", "role": "resident", "has_pass": true, ' \
             b'"temperature_c": 38.5, "quarantine_status": "none"}\n'
    packs = {
        "256 rules all matching one record": [_rule(i, {"temperature_c": {"gte": 34}}) for i in range(256)],
        "62 bands 0.01 wide below 34.62": [_rule(i, {"temperature_c": {"gte": round(34 + i * 0.01, 2),
                                                                        "lt": round(34.01 + i * 0.01, 2)}})
                                           for i in range(62)],
        "300 overlapping rules": [_rule(i, {"temperature_c": {"gte": 34 + i * 0.01}}) for i in range(300)],
    }
    for name, rules in packs.items():
        generated = {**files, "p/rules/gate.yaml": _dump(rules), "r.jsonl": record}
        for argv, label in ((("decide", "p", "--decision", "gate_admission", "--at", "2020-04-18",
                              "--input", "r.jsonl"), "decide"), (CHECK, "check"), (TEST, "test")):
            yield Case(f"pack of {name}: {label}", argv, generated, findings_exit=True, timeout=30,
                       issue=f"{name} crash the engine", keep=("r.jsonl",))
    big = [_rule(i, {"temperature_c": {"gte": round(34 + (i % 90) * 0.1, 1)}, "role": "tourist"}) for i in range(500)]
    yield Case("policy check on a 500-rule pack", CHECK, {**files, "p/rules/gate.yaml": _dump(big)},
               findings_exit=True, timeout=30, issue="policy check on a 500-rule pack")
    pack = yaml.safe_load(files["p/pack.yaml"])
    huge_enum = _set(pack, ("decisions", "gate_admission", "inputs", "role", "enum"),
                     [f"role{i}" for i in range(20_002)])
    yield Case("a 20,002-value enum", CHECK, {**files, "p/pack.yaml": _dump(huge_enum)}, findings_exit=True,
               timeout=30, issue="a 20,002-value enum")
    tests = yaml.safe_load(files["p/tests/gate.yaml"])
    bad_expect = _set(tests, (0, "expect", "rule"), ["gate.fever-hold", "gate.centralized-hold"])
    yield Case("test expect rule: [a, b]", TEST, {**files, "p/tests/gate.yaml": _dump(bad_expect)},
               expect=Expect.REJECT, issue="expect: {rule: [a, b]}")
    bad_given = _set(tests, (0, "given", "temperature_c"), "hot")
    yield Case("test with a malformed given", TEST, {**files, "p/tests/gate.yaml": _dump(bad_given)},
               expect=Expect.REJECT, issue="malformed given counted as a failed test")
    for flag in ("nan", "-1", "150", "abc"):
        yield Case(f"policy test --min-coverage {flag}", (*TEST, "--min-coverage", flag), files,
                   expect=Expect.REJECT, issue="--min-coverage nan|-1|150")


# --- JSONL cases ------------------------------------------------------------------------------------


def jsonl_cases(rng: random.Random) -> Iterator[Case]:
    files = pack_files()
    argv = (*DECIDE, "--input", "in.jsonl")
    good = "\n".join(GATE_LINES) + "\n"

    def case(name: str, body: bytes, expect: Expect = Expect.REJECT, **kw: Any) -> Case:
        return Case(f"jsonl: {name}", kw.pop("argv", argv), {**files, "in.jsonl": body}, expect=expect,
                    findings_exit=True, line_per_record=True, keep=("in.jsonl",), **kw)

    record = json.loads(GATE_LINES[0])
    json_values = ("x", None, True, [], {"a": 1}, -1, 10**400, "", "none ")
    for key in record:
        for value in json_values:
            mutated = dict(record, **{key: value})
            yield case(f"{key}={value!r:.20}", (json.dumps(mutated) + "\n" + good).encode(), Expect.EITHER)
        yield case(f"{key} missing", (json.dumps({k: v for k, v in record.items() if k != key}) + "\n").encode(),
                   Expect.EITHER)
    for literal in ("NaN", "Infinity", "-Infinity", "1e999", "007", "0x25", "+36", ".5"):
        body = GATE_LINES[0].replace('"temperature_c": 36.4', f'"temperature_c": {literal}')
        yield case(f"temperature_c {literal} literal", (body + "\n").encode())
    yield case("duplicate key masks a fever",
               b'{"id": "dup", "gate_level": "village", "role": "resident", "has_pass": true, '
               b'"temperature_c": 38.5, "temperature_c": 36.4, "quarantine_status": "none"}\n',
               check=fever_not_admitted("dup"), issue="duplicate JSON keys mask a fever")
    repeated = (GATE_LINES[0] + "\n") * 3
    yield case("repeated line then id 007", (repeated + GATE_LINES[0].replace('"g01-resident-pass-village"', "007")
                                             + "\n").encode(), issue="repeated-line shortcut accepts invalid JSON")
    yield case("repeated line then raw control character in id",
               (repeated + GATE_LINES[0].replace("g01-", "g01-\x01\x1b[31m") + "\n").encode(),
               issue="raw control characters in an id")
    yield case("duplicate ids", ((GATE_LINES[0] + "\n") + GATE_LINES[1].replace("g02-resident-no-pass-village",
                                                                                 "g01-resident-pass-village") + "\n"
                                 ).encode(), Expect.EITHER, check=said_something, issue="duplicate ids decided twice")
    yield case("non-UTF-8 line", good.encode() + b'{"id": "\xff\xfe"}\n', issue="non-UTF-8 JSONL in decide")
    yield case("non-UTF-8 line --explain", good.encode() + b'{"id": "\xff\xfe"}\n', argv=(*argv, "--explain"),
               issue="non-UTF-8 JSONL in --explain")
    yield case("100k-deep nesting", ('{"id": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n").encode(),
               issue="100k-deep JSON nesting")
    yield case("100k-deep nesting --explain", ("[" * 100_000 + "]" * 100_000 + "\n").encode(),
               argv=(*argv, "--explain"))
    for name, body in (("NUL byte", good[:100] + "\0" + good[100:]), ("truncated", good[: len(good) // 2 + 7]),
                       ("array line", "[1, 2]\n"), ("scalar line", "42\n"), ("null line", "null\n"),
                       ("string line", '"x"\n'), ("two objects on a line", GATE_LINES[0] * 2 + "\n"),
                       ("single quotes", GATE_LINES[0].replace('"', "'") + "\n"),
                       ("trailing comma", GATE_LINES[0][:-1] + ",}\n"), ("comment", "// hi\n" + good)):
        yield case(name, body.encode())
    for name, body in (("BOM", "\ufeff" + good), ("CRLF", good.replace("\n", "\r\n")), ("blank lines", "\n\n" + good),
                       ("no final newline", good.rstrip("\n")), ("empty", ""), ("unicode escapes", good)):
        yield case(name, body.encode(), Expect.EITHER)
    long_id = json.dumps(dict(record, id="x" * 20_000_000)) + "\n"
    yield case("a 20 MB line", long_id.encode(), Expect.EITHER, timeout=30)
    yield Case("jsonl: huge input", argv, files, prepare=_huge("in.jsonl", (GATE_LINES[0] + "\n").encode()),
               findings_exit=True, line_per_record=True, timeout=30)
    for i in range(12):  # random byte flips of the good file
        raw = bytearray(good.encode())
        for _ in range(rng.randint(1, 4)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        yield case(f"byte flips #{i}", bytes(raw), Expect.EITHER)
    yield from file_kind_cases(argv, "in.jsonl", "--input", files)
    yield from register_cases(rng)


def register_cases(rng: random.Random) -> Iterator[Case]:
    lines = (REPO / "registers" / "xiongerzhai-2020.jsonl").read_text(encoding="utf-8").splitlines()[:40]
    argv = ("policy", "diff", str(PACK_DIR), str(PACK_DIR), "--input", "reg.jsonl")
    for _ in range(16):
        record = json.loads(rng.choice(lines))
        key = rng.choice(sorted(record))
        value = rng.choice(("x", None, 1, [], {"a": 1}, "2020-02-30", "gate_admission", -1e308))
        mutated = [json.dumps(dict(record, **{key: value})), *lines[:5]]
        yield Case(f"register {key}={value!r:.20}", argv, {"reg.jsonl": "\n".join(mutated).encode() + b"\n"},
                   findings_exit=True, line_per_record=True, keep=("reg.jsonl",))


# --- outputs (data lost) ------------------------------------------------------------------------------


def _replace_with_symlink(rel: str, target: str) -> Callable[[Path], None]:
    def swap(cwd: Path) -> None:
        stored = next((cwd / rel).iterdir())
        victim = cwd / target
        victim.mkdir()
        (victim / "precious.txt").write_text("keep me\n")
        for f in stored.iterdir():
            (victim / f.name).write_bytes(f.read_bytes())
        for f in stored.iterdir():
            f.unlink()
        stored.rmdir()
        stored.symlink_to(victim.resolve())
    return swap


def _edit_replication(content: str | None) -> Callable[[Path], None]:
    def edit(cwd: Path) -> None:
        for path in sorted((cwd / "o" / "replications").rglob("r000001.json")):
            if content is None:
                path.write_text(path.read_text().replace("0", "1", 3))
            else:
                path.write_text(content)
    return edit


def output_cases() -> Iterator[Case]:
    files = {**pack_files(), "in.jsonl": ("\n".join(GATE_LINES) + "\n").encode()}
    decide = (*DECIDE, "--input", "in.jsonl", "--output")
    yield Case("decide --output equal to --input", (*decide, "in.jsonl"), files, keep=("in.jsonl",),
               expect=Expect.REJECT, issue="decide --output equal to --input")
    yield Case("decide --output a hard link to --input", (*decide, "link.jsonl"), files,
               prepare=lambda cwd: os.link(cwd / "in.jsonl", cwd / "link.jsonl"), keep=("in.jsonl",))
    yield Case("decide --output a symlink to --input", (*decide, "link.jsonl"), files,
               prepare=lambda cwd: (cwd / "link.jsonl").symlink_to("in.jsonl"), keep=("in.jsonl",))
    yield Case("decide --output a FIFO", (*decide, "fifo"), files, prepare=_special("fifo", "fifo"), keep=("fifo",),
               expect=Expect.REJECT, timeout=15, issue="--output onto a FIFO")
    yield Case("decide --output a device", (*decide, "dev"), files,
               prepare=lambda cwd: os.mknod(cwd / "dev", 0o666 | 0o020000, os.makedev(1, 3)), keep=("dev",),
               expect=Expect.REJECT, issue="--output onto a device")
    yield Case("decide --output a directory", (*decide, "d"), files, prepare=_special("d", "dir"), keep=("d",),
               expect=Expect.REJECT, issue="decide --output onto a directory")
    yield Case("decide --output under /proc", (*decide, "/proc/hostile-out.jsonl"), files, expect=Expect.REJECT,
               issue="decide --output under /proc")
    yield Case("decide failing keeps the old output", (*decide, "old.jsonl"),
               {**files, "old.jsonl": b"old\n", "p/pack.yaml": b"name: [\n"}, keep_on_failure=("old.jsonl",),
               expect=Expect.REJECT)
    out = ("simulate", "s.yaml", "--jobs", "1", "--quiet", "--out")
    scenario = {"s.yaml": _dump(base_scenario())}
    yield Case("simulate --out onto an existing file", (*out, "f"), {**scenario, "f": b"precious\n"}, keep=("f",),
               expect=Expect.REJECT, issue="simulate --out onto an existing file")
    yield Case("simulate --out under /proc", (*out, "/proc/hostile-out"), scenario, expect=Expect.REJECT,
               issue="simulate --out onto an unwritable place")
    yield Case("simulate --out a dangling symlink", (*out, "o"), scenario, prepare=_special("o", "dangling"),
               expect=Expect.REJECT, issue="simulate --out onto a dangling symlink")
    yield Case("policy schema --out onto a file", ("policy", "schema", "--out", "f"), {"f": b"precious\n"},
               keep=("f",), expect=Expect.REJECT, issue="policy schema --out onto a file")
    run5 = (*out, "o", "--replications", "5")
    yield Case("re-run without --resume keeps other replications", (*out, "o", "--replications", "2"), scenario,
               before=(run5,), keep=("o/replications",), timeout=60,
               issue="re-running without --resume deletes every stored replication")
    yield Case("symlinked replication folder", (*out, "o", "--replications", "2"), scenario, before=(run5,),
               after_before=_replace_with_symlink("o/replications", "victim"), keep=("victim",), timeout=60,
               issue="a symlinked replication folder lets a run delete files in its target")
    run3 = (*out, "o", "--replications", "3")
    for name, content in (("edited by hand", None), ("holding []", "[]"), ("holding null", "null"),
                          ("empty", ""), ("not JSON", "{{{")):
        yield Case(f"resume with a replication file {name}", (*run3, "--resume"), scenario, before=(run3,),
                   after_before=_edit_replication(content), expect=Expect.REJECT, timeout=60,
                   issue="replication file edited by hand / holding [] or null")
    shard = (*out, "o", "--reps", "0:2", "--replications", "2")
    for name, content in (("edited by hand", None), ("holding []", "[]"), ("holding null", "null")):
        yield Case(f"merge with a replication file {name}", ("merge", "--out", "m", "o"), scenario, before=(shard,),
                   after_before=_edit_replication(content), expect=Expect.REJECT, timeout=60,
                   issue="replication file holding [] or null (merge)")


# --- command-line flags ---------------------------------------------------------------------------------


def flag_cases() -> Iterator[Case]:
    scenario = {"s.yaml": _dump(base_scenario())}
    files = {**pack_files(), "in.jsonl": ("\n".join(GATE_LINES) + "\n").encode()}
    sim = ("simulate", "s.yaml", "--jobs", "1", "--quiet")
    bad_sim = [("--replications", v) for v in ("0", "-1", "abc", "1.5", "99999999999999999999", "nan", "")] + [
        ("--seed", v) for v in ("-1", "x", "1e3")] + [
        ("--jobs", v) for v in ("0", "-2", "many", "100000")] + [
        ("--reps", v) for v in ("3:1", "abc", "0:0", "-1:2", "0:99999999999999")] + [
        ("--lang", "fr"), ("--executor", "spark"), ("--scheduler", "tcp://nowhere:1")]
    for flag, value in bad_sim:
        yield Case(f"simulate {flag} {value!r}", (*sim, flag, value), scenario, expect=Expect.REJECT, timeout=20,
                   issue="--replications 99999999999999999999" if "9999" in value else "")
    yield Case("simulate --reps 0:3 with --replications 2",
               (*sim, "--reps", "0:3", "--replications", "2", "--out", "o"), scenario, expect=Expect.REJECT, timeout=40,
               issue="--reps 0:3 with --replications 2 running 3")
    yield Case("simulate --resume without --out", (*sim, "--resume"), scenario, expect=Expect.REJECT)
    sweep = ("sweep", "s.yaml", "--jobs", "1", "--quiet", "--replications", "2", "--out", "sw")
    for vary, name in (("seed=1,2", "--vary seed"), ("shifts.township-gate.0.staff=0..1000000000", "huge range"),
                       ("nowhere.at.all=1,2", "unknown path"), ("shifts.township-gate.0.staff=", "no values"),
                       ("shifts.township-gate.0.staff=5..2", "backwards range"), ("=1", "empty path"),
                       ("shifts.township-gate.9.staff=1,2", "index out of range"),
                       ("shifts.township-gate.0.staff=a,b", "words for numbers")):
        yield Case(f"sweep {name}", (*sweep, "--vary", vary), scenario, expect=Expect.REJECT, timeout=40,
                   issue="--vary seed / --vary =0..1000000000")
    yield Case("sweep with zero staff", (*sweep, "--vary", "shifts.township-gate.0.staff=0,2",
                                         "--vary", "shifts.township-gate.1.staff=0,1"), scenario, timeout=60,
               findings_exit=True, issue="sweep recommends zero staff")
    for flag, value in (("--precision", "nan"), ("--precision", "-5"), ("--max-replications", "0")):
        yield Case(f"sweep {flag} {value}", (*sweep, "--vary", "shifts.township-gate.0.staff=1,2", flag, value),
                   scenario, expect=Expect.REJECT, timeout=40)
    decide = (*DECIDE, "--input", "in.jsonl")
    for extra in (("--at", "2020-13-01"), ("--at", "yesterday"), ("--decision", "nope"), ("--engine", "x"),
                  ("--lang", "fr"), ("--input", "")):
        yield Case(f"decide {' '.join(extra)!r}", (*decide, *extra), files, expect=Expect.REJECT)
    for extra in (("--at", "0001-01-01"), ("--at", "9999-12-31"), ("--seed", "99999999999999999999999999")):
        yield Case(f"{'simulate' if extra[0] == '--seed' else 'decide'} {' '.join(extra)!r} (far but valid)",
                   (*sim, *extra) if extra[0] == "--seed" else (*decide, *extra), {**files, **scenario})
    for argv in (("compare", "s.yaml", "--replications", "1", "--quiet"), ("compare", "--quiet"),
                 ("regress", "--packs", "nowhere"), ("regress", "--replications", "0"),
                 ("merge", "--out", "m"), ("merge", "--out", "m", "nowhere"), ("policy", "check"),
                 ("policy", "diff", "p", "p"), ("policy", "check", "p", "--format", "xml"), ("nonsense",), (),
                 ("policy", "check", "-"), ("decide", "p", "--decision", "gate_admission", "--input", "-")):
        stdin = argv[:1] == ("decide",)
        yield Case(f"argv {' '.join(argv) or '(none)'}", argv, {**files, **scenario},
                   expect=Expect.EITHER if stdin else Expect.REJECT, timeout=20, findings_exit=argv[:1] == ("regress",),
                   stdin="in.jsonl" if stdin else None)


def cases() -> list[Case]:
    """Every case, in a fixed order."""
    rng = random.Random(SEED)
    found = [*scenario_mutations(rng), *scenario_issue_cases(), *pack_mutations(rng), *generated_pack_cases(),
             *jsonl_cases(rng), *output_cases(), *flag_cases()]
    seen: set[str] = set()
    unique = []
    for case in found:
        name, n = case.name, 2
        while name in seen:
            name, n = f"{case.name} #{n}", n + 1
        seen.add(name)
        unique.append(case if name == case.name else dataclasses.replace(case, name=name))
    return unique
