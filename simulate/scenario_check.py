"""Check a merged scenario's structure against its format (:mod:`simulate.scenario_format`):
every mismatch becomes one located diagnostic, ``file:line:col: field.path: message [code]``.

After a mismatch the loader still checks what the structure allows, so one run reports every
problem: :func:`check_structure` also returns the document *salvaged*, where each part that
failed is ``None`` (a top-level field, or an item of a collection keyed by id: a stream, a
gate, a village's entrance …) and every other part is validated.
"""

from __future__ import annotations

import difflib
import functools
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, Tag, TypeAdapter, ValidationError

from policy.errors import Diagnostic

from .scenario_format import DIST_ERROR, DISTRIBUTIONS, SCENARIO, ScenarioDoc
from .scenario_reader import PathT, Source
from .scenario_values import show

EXPECTED = {"model_type": "a mapping", "dict_type": "a mapping", "model_attributes_type": "a mapping",
            "list_type": "a list", "string_type": "a string", "bool_type": "true or false"}
FAILED: Any = object()


def check_structure(source: Source) -> tuple[ScenarioDoc, list[Diagnostic]]:
    """The merged document as its format, and a diagnostic per structural problem (then the
    document is salvaged: parts that failed are ``None``)."""
    try:
        return SCENARIO.validate_python(source.data), []
    except ValidationError as exc:
        problems = [_diagnostic(source, err) for err in exc.errors(include_url=False)]
    data = source.data if isinstance(source.data, dict) else {}
    return _salvage(ScenarioDoc, data, top=True), problems


def _diagnostic(source: Source, err: Any) -> Diagnostic:
    raw: PathT = tuple(err["loc"])
    path = tuple(p for p in raw if not (isinstance(p, str) and (p.startswith("<") or p == "[key]")))
    kind, value, message = err["type"], err.get("input"), str(err["msg"])
    if kind == "missing":
        return Diagnostic("scenario.missing", "required field is missing", source.loc(path))
    if kind == "extra_forbidden":
        allowed = _fields_at(raw[:-1])
        close = difflib.get_close_matches(str(path[-1]), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return Diagnostic("scenario.unknown-field", f"unknown field {path[-1]!r} "
                          f"({hint}expected one of: {', '.join(allowed)})", source.loc(path))
    if kind == DIST_ERROR and isinstance(value, dict):
        if "dist" not in value:
            return Diagnostic("scenario.missing", "required field is missing", source.loc((*path, "dist")))
        if not isinstance(value["dist"], str):
            return Diagnostic("scenario.type", f"expected a string, got {show(value['dist'])}",
                              source.loc((*path, "dist")))
        return Diagnostic("scenario.choice", f"{value['dist']!r} is not one of: {', '.join(DISTRIBUTIONS)}",
                          source.loc((*path, "dist")))
    if kind == DIST_ERROR:
        kind, message = "scenario.type", "expected a number or {dist: " + "|".join(DISTRIBUTIONS) + ", …}"
    if kind in EXPECTED:
        kind, message = "scenario.type", f"expected {EXPECTED[kind]}"
    if kind in ("too_short", "too_long"):
        bound = err["ctx"]["min_length" if kind == "too_short" else "max_length"]
        kind, message = "scenario.type", (f"expected {'at least' if kind == 'too_short' else 'at most'} "
                                          f"{bound} item{'s' * (bound != 1)}, got {err['ctx']['actual_length']}")
        return Diagnostic(kind, message, source.loc(path))
    if not kind.startswith("scenario."):
        kind = "scenario.type"
    if message.startswith("expected") and ", got " not in message:
        message += f", got {show(value)}"
    return Diagnostic(kind, message, source.loc(path))


def _bare(tp: Any) -> Any:
    """*tp* without its ``Annotated`` metadata."""
    return get_args(tp)[0] if get_origin(tp) is Annotated else tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _step(tp: Any, part: str | int) -> Any:
    """The type found at *part* of a value of type *tp* (a field, a key, an index or a ``<tag>``)."""
    tp = _bare(tp)
    if _is_model(tp):
        for name, info in tp.model_fields.items():
            if part in (name, info.alias):
                return info.rebuild_annotation()
    if get_origin(tp) in (dict, list):
        return get_args(tp)[-1]
    if get_origin(tp) is Union:
        for member in get_args(tp):
            if Tag(str(part)) in getattr(member, "__metadata__", ()):
                return member
    return Any


def _fields_at(loc: PathT) -> list[str]:
    """The keys the mapping at *loc* (an error's path, tags included) may have."""
    tp: Any = ScenarioDoc
    for part in loc:
        tp = _step(tp, part)
    model = _bare(tp)
    return [info.alias or name for name, info in model.model_fields.items()] if _is_model(model) else []


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, str, Any, Any], ...]:
    """(name, key, type, default or FAILED when required) of each field, built once (so each
    type is one lasting object, and its validator is built once)."""
    return tuple((name, info.alias or name, info.rebuild_annotation(),
                  FAILED if info.is_required() else info.get_default(call_default_factory=True))
                 for name, info in model.model_fields.items())


_ADAPTERS: dict[int, TypeAdapter[Any]] = {}


def _valid(tp: Any, raw: Any) -> Any:
    """*raw* validated as *tp* (a lasting type object), or :data:`FAILED`."""
    adapter = _ADAPTERS.get(id(tp))
    if adapter is None:
        adapter = _ADAPTERS[id(tp)] = TypeAdapter(tp)
    try:
        return adapter.validate_python(raw)
    except ValidationError:
        return FAILED


def _salvage(tp: Any, raw: Any, top: bool = False) -> Any:
    """What of *raw* fits *tp*: a model whose collections hold a failed item keeps the item as
    ``None``; a model with any other failed field fails (at the top, that field is ``None``)."""
    value = _valid(tp, raw) if not top else FAILED
    if value is not FAILED or not isinstance(raw, dict):
        return value
    bare = _bare(tp)
    if get_origin(bare) is dict:
        if not (_is_model(_bare(get_args(bare)[1])) or get_origin(_bare(get_args(bare)[1])) is list):
            return FAILED
        out = {}
        for key, item in raw.items():
            if _valid(get_args(bare)[0], key) is not FAILED:
                got = _salvage(get_args(bare)[1], item)
                out[key] = None if got is FAILED else got
        return out
    if not _is_model(bare):
        return FAILED
    fields: dict[str, Any] = {}
    for name, key, field_type, default in _fields(bare):
        got = _salvage(field_type, raw[key]) if key in raw else default
        if got is FAILED and not top:
            return FAILED
        fields[name] = None if got is FAILED else got
    return bare.model_construct(**fields)
