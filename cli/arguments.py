"""Argument types shared by the commands: each turns text into a value or a usage error (exit 2)."""

from __future__ import annotations

import argparse
import datetime as dt


def date(text: str) -> dt.date:
    """``YYYY-MM-DD``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def whole(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"expected at least {least}, got {value}")
    return value


def positive(text: str) -> int:
    """A whole number ≥ 1 (replications, jobs)."""
    return whole(text, 1)


def seed(text: str) -> int:
    """A whole number ≥ 0."""
    return whole(text, 0)


def percent(text: str) -> float:
    """``5`` or ``5%``, between 0 and 100."""
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a percentage: {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"a percentage is between 0 and 100, got {text!r}")
    return value
