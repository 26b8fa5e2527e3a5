"""Input records: check a record against its decision's declared fields, at the boundary.

A record that passes comes back as *facts*: the declared fields only, dates as
:class:`datetime.date`, ints kept as ints. Anything else is a :class:`RecordError` that names
the field. Records may carry ``id`` (echoed back by ``decide``) and ``meta`` (ignored).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

from .errors import Diagnostic, Location, RecordError
from .formats import PASS_THROUGH
from .ir import BoolField, DateField, DecisionSpec, EnumField, Field, NumberField
from .language import describe

Check = Callable[[Any], "tuple[Any, str | None]"]


def _enum_check(decl: EnumField) -> Check:
    allowed = frozenset(decl.values)
    listing = ", ".join(decl.values)

    def check(value: Any) -> tuple[Any, str | None]:
        if value.__class__ is str and value in allowed:
            return value, None
        return None, f"{describe(value)} is not one of {listing}"
    return check


def _bool_check(decl: BoolField) -> Check:
    def check(value: Any) -> tuple[Any, str | None]:
        if value is True or value is False:
            return value, None
        return None, f"expected true or false, got {describe(value)}"
    return check


def _number_check(decl: NumberField) -> Check:
    low = -math.inf if decl.min is None else decl.min
    high = math.inf if decl.max is None else decl.max
    unit = f" {decl.unit}" if decl.unit else ""

    def check(value: Any) -> tuple[Any, str | None]:
        cls = value.__class__
        if cls is not int and cls is not float:
            return None, f"expected a number, got {describe(value)}"
        if not low <= value <= high:  # NaN fails here too
            return None, f"{value}{unit} is outside {decl.min}..{decl.max}{unit}"
        if decl.integer and value != int(value):
            return None, f"expected a whole number, got {value}"
        return value, None
    return check


def _date_check(decl: DateField) -> Check:
    def check(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value, None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value), None
            except ValueError:
                pass
        return None, f"expected a date YYYY-MM-DD, got {describe(value)}"
    return check


def field_check(decl: Field) -> Check:
    """The check function for one declared field."""
    if isinstance(decl, EnumField):
        return _enum_check(decl)
    if isinstance(decl, BoolField):
        return _bool_check(decl)
    if isinstance(decl, NumberField):
        return _number_check(decl)
    return _date_check(decl)


class RecordSchema:
    """Validates records for one decision; built once, used for every record."""

    def __init__(self, spec: DecisionSpec) -> None:
        self.spec = spec
        self._checks = [(name, field_check(decl), decl.required)
                        for name, decl in spec.inputs.items()]
        self._known = frozenset(spec.inputs) | PASS_THROUGH

    def validate(self, record: Any, where: Location) -> dict[str, Any]:
        """Facts of *record*, or a :class:`RecordError` located at *where* naming the field."""
        if not isinstance(record, Mapping):
            raise self._error(where, "", "record.type", f"a record must be a JSON object, got {describe(record)}")
        facts: dict[str, Any] = {}
        for name, check, required in self._checks:
            if name in record:
                value, problem = check(record[name])
                if problem is not None:
                    raise self._error(where, name, "record.value", problem)
                facts[name] = value
            elif required:
                raise self._error(where, name, "record.missing", "missing required field")
        if len(record) > len(facts):
            unknown = [k for k in record if k not in self._known]
            if unknown:
                raise self._error(where, str(unknown[0]), "record.unknown-field",
                                  f"unknown field for {self.spec.name} "
                                  f"(inputs: {', '.join(self.spec.inputs)})")
        return facts

    @staticmethod
    def _error(where: Location, path: str, code: str, message: str) -> RecordError:
        loc = Location(where.file, where.line, where.col, path)
        return RecordError([Diagnostic(code, message, loc)])
