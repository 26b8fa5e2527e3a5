"""The installed durable_rules build works: its C extension imports, a ruleset posted to it
decides a record, and C calls back into Python. `make engine-check` runs this first, so a bad
build (on CPython 3.13 without the Makefile's PyEval_CallObject define: "undefined symbol")
stops the install at once rather than deep in a run."""

import datetime as dt
import importlib
import json

import pytest

from .packs import write_pack


def _quiet_host():
    """A durable Host without its two polling timer threads (imported here, so that a broken
    build fails the import test with its own message, not this module's collection)."""
    from durable import engine

    class Host(engine.Host):
        def _run(self):
            pass

    return Host()


def test_the_c_extension_imports():
    try:
        extension = importlib.import_module("durable_rules_engine")
    except ImportError as exc:  # the message names the missing symbol; say how to rebuild
        pytest.fail(f"durable_rules' C extension does not import ({exc}); rebuild it with `make clean venv`")
    assert callable(extension.create_ruleset)


def test_a_posted_ruleset_decides_a_record_and_calls_back_into_python():
    """A fever rule fires for 38.0 °C (its action gets the record's value) and not for 36.5 °C;
    the store callback is the C-to-Python call that 3.13 needs renamed, and it sees the fact."""
    from durable import engine

    host = _quiet_host()
    stored = []
    host.store_message_callback = lambda ruleset, sid, mid, kind, content: stored.append((ruleset, content)) or 0
    fired = []
    host.register_rulesets({"engine_check": {
        "fever": {"all": [{"m": {"$gte": {"temperature_c": 37.3}}}],
                  "run": lambda c: fired.append(c.m.temperature_c)}}})

    host.assert_fact("engine_check", {"sid": "a", "temperature_c": 38.0})
    assert fired == [38.0]
    assert ("engine_check", json.dumps({"sid": "a", "temperature_c": 38.0})) in stored

    with pytest.raises(engine.MessageNotHandledException):
        host.assert_fact("engine_check", {"sid": "b", "temperature_c": 36.5})
    assert fired == [38.0]


def test_the_project_engine_decides_through_durable(tmp_path):
    """policy's DurableEngine, admission in a child process included, gives the known answer."""
    from policy import DurableEngine, load_pack  # here: policy imports durable, and it may be broken

    engine = DurableEngine(load_pack(write_pack(tmp_path)))
    d = engine.decide("gate", {"role": "resident", "has_pass": True, "temperature_c": 38.0}, at=dt.date(2020, 3, 1))
    assert (d.outcome, d.rule, d.obligations) == ("hold", "fever", ("retest",))
    assert engine.posts == 1
