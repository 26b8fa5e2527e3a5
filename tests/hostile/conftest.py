"""Hostile-input tests: the harness (outcomes.py) and corpus (corpus.py) are plain modules;
nothing here but a reminder that slow cases carry the `slow` marker (run by `make fuzz`)."""
