# Two commands do all set-up: `make demo` and `make test`.
# Interpreters tried in this order, the first one that runs and is CPython 3.11–3.13 wins:
# python3.11 (the goldens and the shared venv were made on it), python3.12, python3.13, python3.
# `make PYTHON=python3.13 VENV=.venv313 test` builds and tests a second venv beside .venv.
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not ((3,11) <= sys.version_info[:2] <= (3,13)))' 2>/dev/null; \
	  then echo $$p; break; fi; done)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# durable-rules 2.0.28 is an sdist only (no wheel for any CPython), and its C extension calls
# PyEval_CallObject, which CPython 3.13 removed: built as-is on 3.13 it fails to import
# ("undefined symbol: PyEval_CallObject"; gcc >= 14 refuses to compile it at all).
# PyObject_CallObject takes the same arguments and means the same, so the preprocessor renames
# the call. Its setup.py overwrites CFLAGS, so the define goes in CPPFLAGS, which setuptools adds
# to every compile. On 3.11 and 3.12 Python.h's own PyEval_CallObject macro replaces ours (gcc
# says "redefined"), so those builds are the code they always were. No wheel cache: a cached
# wheel may have been built without the define.
DURABLE_CPPFLAGS := -DPyEval_CallObject=PyObject_CallObject
DURABLE_PIN := $(shell grep -o '"durable-rules==[^"]*"' pyproject.toml | tr -d '"')

.PHONY: demo test lint fuzz venv clean system-deps engine-check

# System packages: headless Chromium for the report's browser test, a CJK font for Chinese
# figures, gcc and Python headers for durable-rules. Installed from Debian when missing.
SYSTEM_PACKAGES := chromium fonts-wqy-microhei

system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  if command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "warning: could not install$$missing; the browser test will be skipped"; \
	  else echo "warning: no apt-get; install$$missing by hand for the browser test and Chinese figures"; fi; \
	fi

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "policysim needs CPython 3.11, 3.12 or 3.13"; exit 2; fi
	@if ! $(PYTHON) -c 'import sysconfig, os; exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'; then \
	  echo "installing a C compiler and Python headers (durable-rules builds from source)"; \
	  apt-get update -qq && apt-get install -y -qq gcc python3-dev >/dev/null; fi
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	CPPFLAGS="$$CPPFLAGS $(DURABLE_CPPFLAGS)" $(BIN)/pip install -q --no-cache-dir --no-binary durable-rules \
	  '$(DURABLE_PIN)'
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/policy/test_engine_installed.py
	touch $(STAMP)

venv: $(STAMP)

SCENARIOS := scenarios/baseline-march-weekend.yaml scenarios/blossom-weekend.yaml \
	scenarios/blossom-volunteers.yaml scenarios/blossom-reopen-entrances.yaml \
	scenarios/blossom-extra-patrol.yaml scenarios/blossom-no-township-gate.yaml

demo: $(STAMP) system-deps
	$(BIN)/policysim policy check policy/packs/xiongerzhai-2020
	$(BIN)/policysim policy test policy/packs/xiongerzhai-2020
	$(BIN)/policysim decide policy/packs/xiongerzhai-2020 --decision gate_admission \
	  --input examples/gate-cases.jsonl --at 2020-04-18 --explain | head -12
	$(BIN)/policysim compare $(SCENARIOS) --replications 10 --out out/compare --lang zh
	$(BIN)/policysim simulate scenarios/season-spring-2020.yaml --replications 3 --out out/season --lang zh

# The built durable_rules extension imports, and a real ruleset posted to it decides a record:
# a broken build stops here, before lint and the suite (the venv's install runs it too).
engine-check: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/policy/test_engine_installed.py

test: $(STAMP) engine-check system-deps lint
	$(BIN)/policysim regress
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest

# A long differential run (not part of `make test`): durable_rules against the reference evaluator
# on FUZZ_PACKS random packs x 12 random records each, and on FUZZ_PACKS/4 more packs every cell of
# their partition (what `policy check` compares), with a fresh random seed every time.
FUZZ_PACKS ?= 1000
# Then issue 10's hostile input: the Hypothesis fuzzers over the shipped scenario and pack
# (HOSTILE_EXAMPLES each) and the whole hostile corpus (benchmarks/hostile.py), all `slow`.
HOSTILE_EXAMPLES ?= 300
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=dev POLICYSIM_FUZZ_PACKS=$(FUZZ_PACKS) $(BIN)/python -m pytest -q -s -p no:cacheprovider \
	  tests/policy/test_differential.py -k "agree"
	HYPOTHESIS_PROFILE=dev POLICYSIM_HOSTILE_EXAMPLES=$(HOSTILE_EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider \
	  -m slow tests/hostile

# ruff (style, import order, likely bugs) and mypy (strict over policy/) as configured in pyproject.toml
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info
