"""The pack test runner as a library: load cases, run them on any engine, report."""

from .cases import Case, Expectation, load_cases
from .report import render_json, render_junit, render_text
from .runner import Result, Run, run_cases

__all__ = ["Case", "Expectation", "Result", "Run", "load_cases", "render_json", "render_junit",
           "render_text", "run_cases"]
