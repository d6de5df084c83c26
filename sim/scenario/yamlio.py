"""Safe YAML loading that remembers where every key and value came from.

PyYAML's ``SafeLoader`` constructs no Python objects from tags; on top of it this
module refuses duplicate keys and alias expansions that would blow up (a
"billion laughs" document), and returns a map from key paths to ``line:column``
so that validation errors can point at the line a student got wrong.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sim.errors import Problem, ScenarioError
from sim.scenario.yamlhints import syntax_hint

#: Most nodes a document may have, or expand to through aliases (chosen: the
#: largest shipped scenario has ~1,500).
MAX_EXPANDED_NODES = 200_000
#: Largest scenario or sweep file read (bytes). The largest shipped scenario is
#: 15 KB; 1 MiB is 70 times that and parses in well under a second. Only
#: ``MAX_FILE_BYTES + 1`` bytes are ever read.
MAX_FILE_BYTES = 1 << 20
#: Deepest nesting of mappings and lists (a scenario nests 6 deep; the parser
#: recurses once per level, and Python's stack ends near 1000 frames).
MAX_DEPTH = 32
#: Most items in one mapping or list of a file (chosen: the largest list a scenario
#: needs is a deal grid of a few hundred values; composing 20,000 items takes
#: under a second here, 100,000 took 4 s).
MAX_ITEMS = 20_000
#: Most digits in an integer (a seed is at most 19 digits; Python refuses to
#: convert more than 4300 and the work grows with the square of the length).
MAX_INT_DIGITS = 20

Path_ = tuple[Any, ...]


class _Loader(yaml.SafeLoader):
    """``SafeLoader`` that also reads ``1e-6`` and ``2E5`` as numbers (YAML 1.2; 1.1 wants a dot)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


@dataclass
class Located:
    """A parsed document and the positions of its keys and values."""

    data: Any
    source: str
    positions: dict[Path_, tuple[int, int]]

    def where(self, path: Path_) -> str:
        """``file:line:col`` of ``path`` or of its nearest ancestor that exists."""
        p = tuple(path)
        while p not in self.positions and p:
            p = p[:-1]
        line, col = self.positions.get(p, (1, 1))
        return f"{self.source}:{line}:{col}"


def dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)


def _fail(source: str, line: int, col: int, message: str, path: str = "") -> ScenarioError:
    return ScenarioError([Problem(f"{source}:{line}:{col}", path, message)])


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a scenario file as UTF-8, with one clear message per failure mode."""
    raw = read_bytes(path)
    src = str(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(src, line, col, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise ScenarioError([Problem(f"{src}:1:1", "", "is empty; expected a YAML mapping")])
    return text


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bytes(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, reading at most ``limit + 1``.

    The file's type is checked before it is opened, so a FIFO cannot block and a
    device cannot stream forever; the size is checked before anything is parsed.
    """
    src = str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ScenarioError([Problem(src, "", "no such file")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(src, "", f"cannot be read: {exc.strerror or exc}")]) from None
    if not stat.S_ISREG(st.st_mode):
        raise ScenarioError([Problem(src, "", f"is {_kind(st.st_mode)}, expected a YAML file")])
    too_big = f"is larger than {limit} bytes, the most a scenario or sweep file may be (docs/limits.md)"
    if st.st_size > limit:
        raise ScenarioError([Problem(src, "", too_big)])
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening it must not wait
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:  # permissions, I/O errors
        raise ScenarioError([Problem(src, "", f"cannot be read: {exc.strerror or exc}")]) from None
    if len(raw) > limit:
        raise ScenarioError([Problem(src, "", too_big)])
    return raw


def _at(source: str, mark: Any, message: str) -> ScenarioError:
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return _fail(source, line, col, message)


#: Longest text shown of a value in a message (chosen: one terminal line; a value
#: may be megabytes long).
MAX_SHOWN = 80


def clip(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to at most ``limit`` characters, with ``...`` and the full length when cut."""
    text = str(text)
    return text if len(text) <= limit else f"{text[: limit - 3]}... ({len(text):,} characters)"


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _reader_error(text: str, source: str, exc: yaml.reader.ReaderError) -> ScenarioError:
    """A character YAML's reader refuses (NUL, other control characters), at its line and column."""
    line, col = _position(text, exc.position)
    ch = exc.character
    shown = f"0x{ch:02x}" if isinstance(ch, int) else f"U+{ord(ch):04X}"
    return _fail(source, line, col, f"holds a character YAML does not allow ({shown}; control characters are refused)")


#: Longest key PyYAML reads (its scanner forgets a possible key after 1,024 characters).
MAX_KEY = 1024


def _syntax(text: str, source: str, exc: yaml.MarkedYAMLError) -> ScenarioError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = str(exc.problem or exc)
    if problem.startswith("but ") and exc.context:  # "expected a single document ..., but found another"
        problem = f"{exc.context}, {problem}"
    before = ""
    if mark is not None and problem.startswith("mapping values are not allowed"):
        before = text.splitlines()[mark.line][: mark.column] if mark.line < len(text.splitlines()) else ""
        key = before.strip().lstrip("-?{[,").strip()
        if len(key) > MAX_KEY:
            problem = f"a key of {len(key):,} characters is too long; YAML reads keys of at most {MAX_KEY}"
    hint = syntax_hint(text, line, problem, exc, before)
    return _fail(source, line, col, f"not valid YAML: {clip(problem, 200)}{hint}")


def check_shape(text: str, source: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH`, collections longer than :data:`MAX_ITEMS` and
    more than :data:`MAX_EXPANDED_NODES` nodes in all.

    Runs on the parser's event stream (no recursion, nothing built), before the
    document is composed; stops at the first excess.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    counts: list[int] = []
    try:
        for n, ev in enumerate(yaml.parse(text, Loader=loader)):
            if n > MAX_EXPANDED_NODES:
                raise _at(source, ev.start_mark, f"has more than {MAX_EXPANDED_NODES} nodes")
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if counts:
                    counts[-1] += 1
                counts.append(0)
                if len(counts) > MAX_DEPTH:
                    raise _at(source, ev.start_mark, f"nests deeper than {MAX_DEPTH} levels")
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                counts.pop()
            elif isinstance(ev, (yaml.ScalarEvent, yaml.AliasEvent)) and counts:
                counts[-1] += 1
                if counts[-1] > 2 * MAX_ITEMS:  # a mapping counts keys and values
                    raise _at(source, ev.start_mark, f"a list or mapping has more than {MAX_ITEMS} items")
    except yaml.reader.ReaderError as exc:
        raise _reader_error(text, source, exc) from None
    except yaml.MarkedYAMLError:
        return  # composing reports the syntax error with its position


def _check_scalar(node: ScalarNode, path: Path_, source: str) -> None:
    """Integers of at most :data:`MAX_INT_DIGITS` digits; every unquoted date a real date."""
    mark = node.start_mark
    if node.tag == "tag:yaml.org,2002:int" and len(node.value.lstrip("+-").replace("_", "")) > MAX_INT_DIGITS:
        raise _fail(
            source,
            mark.line + 1,
            mark.column + 1,
            f"an integer of {len(node.value)} digits; numbers here have at most {MAX_INT_DIGITS}",
            dotted(path),
        )
    if node.tag == "tag:yaml.org,2002:timestamp":
        try:
            yaml.SafeLoader("").construct_yaml_timestamp(node)
        except ValueError as exc:
            raise _fail(
                source, mark.line + 1, mark.column + 1, f"'{node.value}' is not a valid date ({exc})", dotted(path)
            ) from None


def _expanded_size(node: Node, memo: dict[int, int]) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # breaks recursive aliases
    if isinstance(node, MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, SequenceNode):
        size = 1 + sum(_expanded_size(v, memo) for v in node.value)
    else:
        size = 1
    memo[key] = size
    return size


def _key(node: ScalarNode) -> Any:
    """A mapping key as the document's data has it (``1``, ``true`` and ``2025-01-01`` are not text)."""
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    try:
        return _Loader("").construct_object(node)
    except (yaml.YAMLError, ValueError, TypeError):
        return node.value


def _walk(node: Node, path: Path_, source: str, positions: dict[Path_, tuple[int, int]]) -> None:
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, ScalarNode):
        _check_scalar(node, path, source)
    if isinstance(node, MappingNode):
        seen: dict[Any, int] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, ScalarNode):
                raise _fail(
                    source,
                    knode.start_mark.line + 1,
                    knode.start_mark.column + 1,
                    "mapping keys must be plain names",
                    dotted(path),
                )
            _check_scalar(knode, path, source)
            k = _key(knode)
            if k in seen:
                raise _fail(
                    source,
                    knode.start_mark.line + 1,
                    knode.start_mark.column + 1,
                    f"duplicate key '{k}' (first given on line {seen[k]})",
                    dotted(path),
                )
            seen[k] = knode.start_mark.line + 1
            positions[path + (k,)] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            _walk(vnode, path + (k,), source, positions)
            positions[path + (k,)] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), source, positions)


def load_yaml(text: str, source: str) -> Located:
    """Parse ``text`` safely; raise :class:`ScenarioError` with a position on failure."""
    check_shape(text, source)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(text, source, exc) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax(text, source, exc) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(source, "", f"not valid YAML: {clip(str(exc), 200)}")]) from None
    if node is None:
        raise _fail(source, 1, 1, "is empty; expected a YAML mapping")
    if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
        raise _fail(
            source, 1, 1, f"expands to more than {MAX_EXPANDED_NODES} nodes through aliases; refusing (alias bomb?)"
        )
    positions: dict[Path_, tuple[int, int]] = {}
    _walk(node, (), source, positions)
    try:
        data = _construct(text)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise _fail(
            source,
            line,
            col,
            f"unsupported YAML tag: {exc.problem}; only plain "
            "mappings, lists, strings, numbers, booleans and dates are allowed",
        ) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise ScenarioError([Problem(source, "", f"not valid YAML: {clip(str(exc), 200)}")]) from None
    if not isinstance(data, dict):
        raise _fail(source, 1, 1, f"top level must be a mapping of keys, found {type(data).__name__}")
    return Located(data, source, positions)


def _construct(text: str) -> Any:
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_inline(text: str, source: str) -> dict[str, Any]:
    """A mapping given on the command line (``{key: value}``), under the same limits as a file."""
    if len(text.encode("utf-8", "replace")) > MAX_FILE_BYTES:
        raise ScenarioError([Problem(source, "", f"is longer than {MAX_FILE_BYTES} bytes (docs/limits.md)")])
    return dict(load_yaml(text, source).data)


def load_file(path: str | os.PathLike[str]) -> Located:
    """Read and parse a YAML file with positions."""
    return load_yaml(read_text(path), str(path))
