"""The scenario format's value types and bounds: each a plain validator beside its JSON
Schema, so an error message is ours (``expected a number, got 'lots'``); used by
:mod:`simulate.scenario_format`, which defines the sections."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from pydantic import Field, PlainValidator, StrictStr, WithJsonSchema
from pydantic_core import PydanticCustomError

from policy.formats import tagged

from .scenario_reader import PathT, Source

ID_PATTERN = r"^[A-Za-z0-9_.-]+$"
CLOCK_PATTERN = r"^(([01]?\d|2[0-3]):[0-5]\d|24:00)$"
DATE_PATTERN = r"^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
START_PATTERN = r"^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?)?$"
# Bounds: every number a scenario holds is finite and within these, checked before any work.
MAX_DAYS = 120               # the season policysim models runs February–April; arrays grow with days
MAX_MINUTES = MAX_DAYS * 1440.0  # any duration in minutes (dwell, detour, warm-up …): the longest horizon
MAX_SERVICE_S = 86400.0      # one party's screening taking more than a day is a typing error, not a checkpoint
MAX_VOLUME = 1e5             # parties a day per stream: ~70 a minute, far past any road into the township
MAX_RATE_PER_H = MAX_VOLUME  # a thinning bound above a whole day's largest volume in one hour is never needed
MAX_CV = 10.0                # lognormal spread: beyond this the quantiles overflow and say nothing about a queue
MAX_WEIGHT = 1e9            # a relative weight or share: sums of a few stay finite and exact enough
MAX_KM = 1000.0              # a schematic coordinate (km from the drawing's origin): a township is far smaller
MAX_REPLICATIONS = 10_000    # 95 % intervals stop narrowing usefully long before; each costs a full run
SEXAGESIMAL = r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$"


def show(value: Any) -> str:
    """A value as it appears in messages (short)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _value(check: Callable[[Any], Any], json: dict[str, Any], python: Any = Any) -> Any:
    """A value type: *check* returns the value to keep or raises our error; *json* describes it."""
    return Annotated[python, PlainValidator(check), WithJsonSchema(json)]


def _fail(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


def number_hint(value: Any) -> str:
    """Why a string was not read as a number, when YAML 1.1 is the reason (else "")."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if re.fullmatch(SEXAGESIMAL, text):
        return (" (YAML 1.1 reads unquoted H:MM as a base-60 number, so it is ambiguous here: "
                "write the number itself)")
    match = re.fullmatch(r"([-+]?)(\d+)(?:\.(\d*))?[eE]([-+]?)(\d+)", text)
    if match:
        sign, whole, frac, exp_sign, exp = match.groups()
        return (f" (YAML 1.1 reads {text} as text: write {sign}{whole}.{frac or '0'}"
                f"e{exp_sign or '+'}{exp})")
    return ""


def number(low: float | None = None, high: float | None = None, above: float | None = None,
           integer: bool = False) -> Any:
    """A finite number (a whole one with *integer*) ≥ *low*, ≤ *high*, > *above*."""
    kind = "an integer" if integer else "a number"

    def check(value: Any) -> int | float:
        fits = isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)
                                          and (value.is_integer() or not integer))
        if isinstance(value, bool) or not fits:
            raise _fail("scenario.type", f"expected {kind}, got {show(value)}{number_hint(value)}")
        if (low is not None and value < low) or (high is not None and value > high) \
                or (above is not None and value <= above):
            bounds = (f"more than {above}" + (f" and at most {high:g}" if high is not None else "")
                      if above is not None else
                      f"between {low} and {high:g}" if high is not None else f"at least {low}")
            raise _fail("scenario.range", f"{value} is out of range: expected {bounds}")
        return int(value) if integer else float(value)   # 2.0 is an integer, as in JSON Schema
    bounds = {k: v for k, v in (("minimum", low), ("maximum", high), ("exclusiveMinimum", above))
              if v is not None}
    return _value(check, {"type": "integer" if integer else "number", **bounds}, int if integer else float)


def choice(options: tuple[str, ...]) -> Any:
    """One of *options*."""
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _fail("scenario.type", f"expected a string, got {show(value)}")
        if value not in options:
            raise _fail("scenario.choice", f"{value!r} is not one of: {', '.join(options)}")
        return value
    return _value(check, {"enum": list(options)}, str)


def _id(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(ID_PATTERN, value):
        raise _fail("scenario.id", f"bad id {value!r}: use letters, digits, '-', '_', '.'")
    return value


def _clock(value: Any) -> int:
    """Minute of the day of "HH:MM" ("24:00" is the end of the day). A bare number is refused:
    ``6`` may mean 06:00 or minute 6. (Unquoted 20:00, which YAML 1.1 reads as the base-60
    number 1200, reaches here as the text "20:00": :mod:`simulate.scenario` restores it.)"""
    match = re.match(CLOCK_PATTERN, value) if isinstance(value, str) else None
    if not match:
        hint = " (quote it)" if isinstance(value, int | float) and not isinstance(value, bool) else ""
        if isinstance(value, str) and re.fullmatch(r"24:[0-5]\d", value):
            raise _fail("scenario.clock", f"{value!r} is not a time of day: hours run 00–23, "
                                          "and only \"24:00\" (the end of the day) may say 24")
        raise _fail("scenario.clock", f"expected a time of day \"HH:MM\"{hint}, got {show(value)}")
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(DATE_PATTERN, value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail("scenario.date", f"expected a date YYYY-MM-DD, got {show(value)}")


def _start(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, str) and re.fullmatch(START_PATTERN, value):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise _fail("scenario.date", f"expected a date-time like 2020-03-14T00:00, got {show(value)}")


if TYPE_CHECKING:  # what each checked value is, for the type checker
    Id: TypeAlias = str
    Clock: TypeAlias = int
    Date: TypeAlias = dt.date
    Start: TypeAlias = dt.datetime
    NonNegative: TypeAlias = float
    Weight: TypeAlias = float
    Minutes: TypeAlias = float
    Share: TypeAlias = float
else:
    Id = _value(_id, {"type": "string", "pattern": ID_PATTERN}, str)
    Clock = _value(_clock, {"type": "string", "pattern": CLOCK_PATTERN}, int)
    Date = _value(_date, {"type": "string", "format": "date", "pattern": DATE_PATTERN}, dt.date)
    Start = _value(_start, {"type": "string", "pattern": START_PATTERN}, dt.datetime)
    NonNegative = number(0.0)
    Weight = number(0.0, MAX_WEIGHT)
    Minutes = number(0.0, MAX_MINUTES)
    Share = number(0.0, 1.0)
Shares = dict[StrictStr, Weight]            # {name: weight}, normalised by the loader
if TYPE_CHECKING:
    At: TypeAlias = list[float]
else:
    At = Annotated[list[number(-MAX_KM, MAX_KM)], Field(min_length=2, max_length=2,
                                                         description="[x_km east, y_km north], schematic")]


def _kind_of(value: Any) -> str | None:
    """The member of a number-or-something union a value means (``None``: neither)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "<number>"
    kinds: dict[type, str] = {dict: "<mapping>", list: "<list>", str: "<name>"}
    return kinds.get(type(value))


def either(code: str, expected: str, *members: tuple[str, Any]) -> Any:
    """A union whose member is chosen by the value's kind (number, mapping, list, name), so an
    error names the one meant; a value of no member's kind is *code*."""
    return tagged(_kind_of, *members, custom_error_type=code, custom_error_message=expected)


def base60_as_text(source: Source) -> Source:
    """*source* with each number YAML 1.1 read from unquoted ``H:MM`` put back as that text.

    ``from: 20:00`` then means 20:00 where a time of day is expected, and where a number is
    expected ``leg_min: 1:30`` (90? 1.5?) is refused with a hint instead of silently read as 90.
    """
    lines: dict[str, list[str]] = {}

    def raw(path: PathT) -> str | None:
        file, line, col = source.marks.get(path, ("", 0, 0))
        if line <= 0 or file not in source.files:
            return None                           # a --vary value: typed on the command line
        if file not in lines:
            try:
                lines[file] = Path(file).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                lines[file] = []
        text = lines[file][line - 1][col - 1:] if line <= len(lines[file]) else ""
        token = re.match(r"[-+0-9_:.]+", text)
        return token[0] if token and re.fullmatch(SEXAGESIMAL, token[0]) else None

    def walk(value: Any, path: PathT) -> Any:
        if isinstance(value, dict):
            return {k: walk(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = raw(path)
            return value if text is None else text
        return value
    return Source(walk(source.data, ()), source.marks, source.files)
