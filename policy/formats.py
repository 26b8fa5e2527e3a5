"""The pack's file formats, each defined once: ``pack.yaml``, rule files, test files, ``properties.yaml``.

The loaders check a document's structure with these models (:mod:`policy.format_check`) and
``policysim policy schema`` writes their JSON Schema (:mod:`policy.json_schema`), so the two
cannot disagree. What needs the pack's declarations (is this field declared, is this value of
its type, is this outcome known) is checked afterwards, in :mod:`policy.language`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    StrictBool,
    StrictStr,
    Tag,
    TypeAdapter,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
TEXT_PATTERN = r"\S"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
PATTERN_MEANING = {NAME_PATTERN: "a name matching [a-z][a-z0-9_]*",
                   ID_PATTERN: "an id matching [A-Za-z0-9][A-Za-z0-9_.-]*", TEXT_PATTERN: "non-empty text"}
HIT_POLICIES = ("priority", "first", "collect")
ORDERING = ("lt", "lte", "gt", "gte")
FIELD_OPS = ("in", "ne", *ORDERING, "between", "exists")
MAX_PRIORITY = 2**31 - 1
# Record keys that decide echoes back and never reads as inputs: no decision may declare them.
PASS_THROUGH = frozenset(("id", "meta"))


class Strict(BaseModel):
    """A mapping with exactly the declared keys, values of exactly the declared types."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


def _plain(check: Callable[[Any], bool], expected: str, json: dict[str, Any]) -> Any:
    """A value type given by a predicate and its JSON Schema, side by side."""
    def validate(value: Any) -> Any:
        if not check(value):
            raise PydanticCustomError("schema.type", f"expected {expected}")
        return value
    return Annotated[Any, PlainValidator(validate), WithJsonSchema(json)]


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_name(value: str) -> bool:
    return re.fullmatch(NAME_PATTERN, value) is not None


def is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def as_date(value: Any) -> Any:
    """An ISO ``YYYY-MM-DD`` text becomes a date (quoted in YAML, or JSON); anything else is kept."""
    if isinstance(value, str) and re.fullmatch(DATE_PATTERN, value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


DATE_JSON = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
SCALAR_JSON = {"type": ["string", "number", "boolean"]}
Date = Annotated[dt.date, BeforeValidator(as_date), WithJsonSchema(DATE_JSON)]
Number = _plain(is_number, "a number", {"type": "number"})
Scalar = _plain(lambda v: isinstance(v, str) or is_number(v) or is_date(v) or isinstance(v, bool),
                "a value (text, number, true/false or date)", SCALAR_JSON)
Version = _plain(lambda v: (isinstance(v, int) and not isinstance(v, bool))
                 or (isinstance(v, str) and bool(v.strip())),
                 "a number or text", {"type": ["integer", "string"], "pattern": TEXT_PATTERN})
Name = Annotated[str, Field(pattern=NAME_PATTERN)]
Id = Annotated[str, Field(pattern=ID_PATTERN)]
Text = Annotated[str, Field(pattern=TEXT_PATTERN)]


def _unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise PydanticCustomError("schema.duplicate", "lists a value twice")
    return values


# An enum is a category a person is put in at a gate; the input partition multiplies enum sizes,
# so a longer list is a mistake (or a free-text field, which the language does not have).
MAX_ENUM_VALUES = 1000
UniqueNames = Annotated[list[StrictStr], Field(min_length=1, max_length=MAX_ENUM_VALUES,
                                                json_schema_extra={"uniqueItems": True}),
                        AfterValidator(_unique)]


def tagged(choose: Callable[[Any], str | None], *members: tuple[str, Any], **kw: Any) -> Any:
    """A union whose member is chosen by looking at the value (tags are ``<...>``, dropped from
    error paths), so an error names the one member meant, not every member."""
    return Annotated[Union[tuple(Annotated[t, Tag(tag)] for tag, t in members)],  # noqa: UP007
                     Discriminator(choose, **kw)]


# --- rule files ---------------------------------------------------------------------------


class Reason(Strict):
    zh: Text
    en: Text


class Effective(Strict):
    from_: Date | None = Field(None, alias="from")
    to: Date | None = None


class FieldTest(Strict):
    """Operators on one input field, e.g. ``{gte: 37.3}``; several must all hold."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})
    in_: list[Scalar] = Field(None, alias="in", min_length=1)
    ne: Scalar = Field(None)
    lt: Scalar = Field(None)
    lte: Scalar = Field(None)
    gt: Scalar = Field(None)
    gte: Scalar = Field(None)
    between: list[Scalar] = Field(None, min_length=2, max_length=2)
    exists: StrictBool = Field(None)

    @model_validator(mode="after")
    def _some_test(self) -> FieldTest:
        if not self.model_fields_set:
            raise PydanticCustomError("schema.type", "no test given")
        return self


Test = tagged(lambda v: "<tests>" if isinstance(v, dict) else "<value>",
               ("<tests>", FieldTest), ("<value>", Scalar))


class Condition(BaseModel):
    """A ``when`` mapping: every entry must hold. Other keys are input fields of the decision."""

    model_config = ConfigDict(strict=True, extra="allow", frozen=True)
    __pydantic_extra__: dict[str, Test] = Field(init=False)
    all_: list[Condition] = Field(None, alias="all", min_length=1)
    any_: list[Condition] = Field(None, alias="any", min_length=1)
    not_: Condition = Field(None, alias="not")


class RuleDoc(Strict):
    """One rule of a rule file (a rule file is a list of them)."""

    id: Id
    decision: Name
    priority: int = Field(0, ge=0, le=MAX_PRIORITY)
    when: Condition = Field(None)
    then: StrictStr
    obligations: list[StrictStr] = Field(None)
    reason: Reason
    source: Text
    effective: Effective = Field(None)
    description: StrictStr = Field(None)


# --- pack.yaml ----------------------------------------------------------------------------


class InputBase(Strict):
    required: StrictBool = True
    description: StrictStr = Field(None)


class EnumInput(InputBase):
    enum: UniqueNames


class TypedInput(InputBase):
    type: Literal["bool", "number", "date"]
    min: Number = Field(None)
    max: Number = Field(None)
    unit: StrictStr = Field(None)
    integer: StrictBool = False


Input = tagged(lambda v: "<enum>" if isinstance(v, dict) and "enum" in v else "<typed>",
                ("<enum>", EnumInput), ("<typed>", TypedInput))


class DecisionDoc(Strict):
    description: StrictStr = Field(None)
    inputs: dict[Name, Input] = Field(min_length=1)
    outcomes: list[StrictStr] = Field(min_length=1)
    hit_policy: Literal["priority", "first", "collect"] = "priority"
    default: StrictStr | None = None
    default_is_gap: StrictBool = False


class PackDoc(Strict):
    """``pack.yaml``: the pack's name, version and the decisions its rules make."""

    name: Id
    version: Version
    title: Reason = Field(None)
    description: StrictStr = Field(None)
    decisions: dict[Name, DecisionDoc] = Field(min_length=1)


# --- test files ---------------------------------------------------------------------------


class Expect(Strict):
    outcome: StrictStr | None = Field(None)
    rule: StrictStr | None = Field(None)
    obligations: list[StrictStr] = Field(None)


class CaseDoc(Strict):
    """One test case: decide *given* on day *at*, expect *expect*."""

    name: StrictStr = Field(None)
    decision: Name
    at: Date | None = None
    given: dict[str, Any]
    expect: Expect


# --- properties.yaml ----------------------------------------------------------------------


class OutcomeIn(Strict):
    in_: list[StrictStr] = Field(alias="in", min_length=1)


class OutcomeNotIn(Strict):
    not_in: list[StrictStr] = Field(min_length=1)


OutcomeSpec = tagged(lambda v: "<not_in>" if isinstance(v, dict) and "not_in" in v
                      else "<in>" if isinstance(v, dict) else "<name>",
                      ("<name>", StrictStr), ("<in>", OutcomeIn), ("<not_in>", OutcomeNotIn))


class AllowedOutcomes(Strict):
    outcome: OutcomeSpec


class Monotone(Strict):
    field: Name
    order: tagged(lambda v: "<list>" if isinstance(v, list) else "<direction>",
                   ("<direction>", Literal["ascending", "descending"]), ("<list>", list[StrictStr]))
    outcomes: list[StrictStr] = Field(min_length=1)


class PropertyBase(Strict):
    id: Id
    decision: Name
    description: StrictStr = Field(None)
    source: StrictStr = Field(None)
    when: Condition = Field(None)
    effective: Effective = Field(None)      # the days it must hold on (a measure's own dates)


class ExpectProperty(PropertyBase):
    """Whenever ``when`` holds, the outcome is one of those allowed."""

    expect: AllowedOutcomes


class MonotoneProperty(PropertyBase):
    """Raising ``field`` along ``order`` never relaxes the outcome."""

    monotone: Monotone


def _property_form(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "<expect>"  # reported as "expected a mapping"
    return {(True, False): "<expect>", (False, True): "<monotone>"}.get(
        ("expect" in value, "monotone" in value))


PropertyDoc = tagged(_property_form, ("<expect>", ExpectProperty), ("<monotone>", MonotoneProperty),
                      custom_error_type="property.form",
                      custom_error_message="a property has either expect: or monotone:")

# --- the documents, as validators ----------------------------------------------------------

PACK = TypeAdapter(PackDoc)
DECISION = TypeAdapter(DecisionDoc)
RULE = TypeAdapter(RuleDoc)
CASE = TypeAdapter(CaseDoc)
PROPERTY = TypeAdapter(PropertyDoc)
LIST_FILES = {"rules": RULE, "tests": CASE, "properties": PROPERTY}  # each such file is a list of these
