"""YAML that remembers where each value was: every later error can name file, line, column and
field path. Every user YAML file is read through :func:`load_yaml`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import FileFormatError, Location, PolicysimError, error

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Path_ = tuple[str | int, ...]


def render_path(path: Path_) -> str:
    """``("rules", 3, "when")`` → ``rules[3].when``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True)
class Doc:
    """A parsed YAML document: plain Python *data* plus the position of every node."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict, compare=False)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict, compare=False)

    def loc(self, path: Path_, key: bool = False) -> Location:
        """The location of *path*'s value (or, with *key*, of its key in the mapping), or of
        its nearest ancestor that has one."""
        if key and tuple(path) in self.key_marks:
            line, col = self.key_marks[tuple(path)]
            return Location(self.file, line, col, render_path(path))
        probe = tuple(path)
        while probe and probe not in self.marks:
            probe = probe[:-1]
        line, col = self.marks.get(probe, (0, 0))
        return Location(self.file, line, col, render_path(path))


def load_yaml(path: str | Path, cls: type[PolicysimError] = FileFormatError) -> Doc:
    """Read one YAML file into a :class:`Doc`; syntax errors raise *cls* with a location."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(cls, "file.missing", "no such file", Location(name)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(cls, "file.unreadable", f"cannot read: {exc}", Location(name)) from None
    return parse_yaml(text, name, cls)


def parse_yaml(text: str, name: str, cls: type[PolicysimError] = FileFormatError) -> Doc:
    """Parse YAML *text* (named *name* in errors) into a :class:`Doc`."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise error(cls, "yaml.syntax", f"YAML syntax: {exc.problem or exc.context}", loc) from None
    except yaml.YAMLError as exc:
        raise error(cls, "yaml.syntax", f"YAML syntax: {exc}", Location(name)) from None
    marks: dict[Path_, tuple[int, int]] = {}
    key_marks: dict[Path_, tuple[int, int]] = {}
    data = None if node is None else _build(node, (), marks, name, cls, key_marks)
    return Doc(name, data, marks, key_marks)


_constructor = yaml.SafeLoader("")  # only its scalar constructors are used


def _build(node: yaml.Node, path: Path_, marks: dict[Path_, tuple[int, int]],
           name: str, cls: type[PolicysimError], key_marks: dict[Path_, tuple[int, int]]) -> Any:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                loc = Location(name, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                               render_path(path))
                raise error(cls, "yaml.key", "mapping keys must be plain values", loc)
            key = _constructor.construct_object(key_node)
            key = key if isinstance(key, str | int) else str(key)
            if key in out:
                loc = Location(name, key_node.start_mark.line + 1,
                               key_node.start_mark.column + 1, render_path((*path, key)))
                raise error(cls, "yaml.duplicate-key", f"duplicate key {key!r}", loc)
            key_marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _build(value_node, (*path, key), marks, name, cls, key_marks)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), marks, name, cls, key_marks)
                for i, item in enumerate(node.value)]
    try:
        return _constructor.construct_object(node)
    except (yaml.YAMLError, ValueError) as exc:
        raise error(cls, "yaml.value", f"bad value {node.value!r}: {exc}",
                    Location(name, *marks[path], render_path(path))) from None
