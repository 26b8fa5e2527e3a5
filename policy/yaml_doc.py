"""YAML that remembers where each value was: every later error can name file, line, column and
field path. Every user YAML file is read through :func:`load_yaml`.

Reading is bounded, so that no file can make policysim hang or run out of memory: only a regular
file is read (not ``/dev/zero``, a FIFO or a folder), at most :data:`MAX_YAML_BYTES` of it;
aliases may expand to at most :data:`MAX_ALIAS_NODES` nodes (an alias bomb is refused at once, not
after a minute of building) and nesting is at most :data:`MAX_DEPTH` deep. An error names the file
and the problem, never the file's content: a file that is not what was expected (``/etc/shadow``)
must not be echoed to the terminal or a log.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .atomic import describe_mode
from .errors import FileFormatError, Location, PolicysimError, error

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The largest shipped file is 18 KB and a pack at the engine's 512-rule limit is under 1 MB; 16 MiB
# is far beyond any real file yet parses in a few seconds and a bounded amount of memory.
MAX_YAML_BYTES = 16 * 1024 * 1024
MAX_ALIAS_NODES = 10_000  # nodes reached through aliases: real files reuse a few blocks, a bomb billions
MAX_DEPTH = 100           # nesting levels; a real scenario or rule nests under 10
# What a parser quotes: a token of the grammar (',' ']' ':', '<block end>') is kept; a longer
# word may be the file's content (an alias, a tag) and is dropped.
_QUOTED = re.compile(r"""\s*(?:'(?!<)[^'\s]{4,}'|"(?!<)[^"\s]{4,}")""")
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
    return parse_yaml(read_bounded(path, cls), name, cls)


def read_bounded(path: str | Path, cls: type[PolicysimError] = FileFormatError,
                 limit: int = MAX_YAML_BYTES) -> str:
    """The UTF-8 text of the regular file at *path*, refused (as *cls*) when it is missing, not a
    regular file, larger than *limit* bytes or not UTF-8."""
    name = str(path)
    where = Location(name)
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not hang before fstat can refuse it
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(cls, "file.missing", "no such file", where) from None
    except IsADirectoryError:
        raise error(cls, "file.not-regular", "is a folder, not a file", where) from None
    except OSError as exc:
        raise error(cls, "file.unreadable", f"cannot read: {exc.strerror}", where) from None
    kind = describe_mode(os.fstat(fd).st_mode)
    if kind:
        os.close(fd)
        raise error(cls, "file.not-regular", f"is {kind}, not a regular file", where)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise error(cls, "file.unreadable", f"cannot read: {exc.strerror}", where) from None
    if len(data) > limit:
        raise error(cls, "file.too-large", f"larger than {limit // (1024 * 1024)} MiB, the limit for one file",
                    where)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(cls, "file.encoding", f"not UTF-8 text (byte {exc.start + 1})", where) from None


def parse_yaml(text: str, name: str, cls: type[PolicysimError] = FileFormatError) -> Doc:
    """Parse YAML *text* (named *name* in errors) into a :class:`Doc`."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise error(cls, "yaml.syntax", f"YAML syntax: {_unquoted(exc.problem or exc.context)}", loc) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise error(cls, "yaml.syntax", f"YAML syntax: a control character (#x{exc.character:04x}) is not "
                    "allowed", Location(name, line, col)) from None
    except yaml.YAMLError as exc:
        raise error(cls, "yaml.syntax", f"YAML syntax: {_unquoted(str(exc).splitlines()[0])}",
                    Location(name)) from None
    marks: dict[Path_, tuple[int, int]] = {}
    key_marks: dict[Path_, tuple[int, int]] = {}
    data = None if node is None else _Builder(name, cls, marks, key_marks).build(node, ())
    return Doc(name, data, marks, key_marks)


def _unquoted(problem: str | None) -> str:
    """A parser's message less what it quotes from the file (the file may not be the user's)."""
    return _QUOTED.sub("", problem or "invalid").strip()


_constructor = yaml.SafeLoader("")  # only its scalar constructors are used


class _Builder:
    """Turns a composed node graph into data and marks, counting what aliases expand to."""

    def __init__(self, name: str, cls: type[PolicysimError], marks: dict[Path_, tuple[int, int]],
                 key_marks: dict[Path_, tuple[int, int]]) -> None:
        self.name, self.cls, self.marks, self.key_marks = name, cls, marks, key_marks
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.aliased = 0

    def _fail(self, node: yaml.Node, path: Path_, code: str, message: str) -> PolicysimError:
        loc = Location(self.name, node.start_mark.line + 1, node.start_mark.column + 1, render_path(path))
        return error(self.cls, code, message, loc)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        key = id(node)
        if key in self.seen:
            self.aliased += 1
            if self.aliased > MAX_ALIAS_NODES:
                raise self._fail(node, path, "yaml.alias-bomb", f"YAML aliases expand past {MAX_ALIAS_NODES} nodes")
            if key in self.active:
                raise self._fail(node, path, "yaml.alias-cycle", "a YAML alias refers to a node that contains it")
        self.seen.add(key)
        if len(path) > MAX_DEPTH:
            raise self._fail(node, path, "yaml.too-deep", f"nested more than {MAX_DEPTH} levels deep")
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            try:
                return _constructor.construct_object(node)
            except (yaml.YAMLError, ValueError):
                raise self._fail(node, path, "yaml.value", _bad_scalar(node.tag)) from None
        self.active.add(key)
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.active.discard(key)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._fail(key_node, path, "yaml.key", "mapping keys must be plain values")
            try:
                key = _constructor.construct_object(key_node)
            except (yaml.YAMLError, ValueError):
                raise self._fail(key_node, path, "yaml.key", _bad_scalar(key_node.tag)) from None
            key = key if isinstance(key, str | int) else str(key)
            if key in out:
                raise self._fail(key_node, (*path, key), "yaml.duplicate-key", f"duplicate key {key!r}")
            self.key_marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, (*path, key))
        return out


_CORE = "tag:yaml.org,2002:"


def _bad_scalar(tag: str) -> str:
    """Why a scalar did not construct, named by its tag (never its text)."""
    short = tag[len(_CORE):] if tag.startswith(_CORE) else tag
    if short in ("timestamp", "int", "float", "bool", "null", "binary"):
        return f"not a valid {'date' if short == 'timestamp' else short} value"
    return f"unsupported tag !{'!' if tag.startswith(_CORE) else ''}{short} (only plain YAML values are read)"
