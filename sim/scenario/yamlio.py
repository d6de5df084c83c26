"""Safe YAML loading that remembers where every key and value came from.

PyYAML's ``SafeLoader`` constructs no Python objects from tags; on top of it this
module refuses duplicate keys and alias expansions that would blow up (a
"billion laughs" document), and returns a map from key paths to ``line:column``
so that validation errors can point at the line a student got wrong.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sim.errors import Problem, ScenarioError

#: Upper bound on the number of nodes a document may expand to through aliases.
MAX_EXPANDED_NODES = 200_000
#: Largest scenario file we read (bytes); scenarios are small hand-written files.
MAX_FILE_BYTES = 5_000_000

Path_ = tuple[Any, ...]


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
    p = Path(path)
    src = str(path)
    if not p.exists():
        raise ScenarioError([Problem(src, "", "no such file")])
    if p.is_dir():
        raise ScenarioError([Problem(src, "", "is a directory, expected a YAML file")])
    try:
        raw = p.read_bytes()
    except OSError as exc:  # permissions, I/O errors
        raise ScenarioError([Problem(src, "", f"cannot be read: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError([Problem(src, "", f"is {len(raw)} bytes; a scenario file is at most {MAX_FILE_BYTES}")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(src, line, col, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise ScenarioError([Problem(f"{src}:1:1", "", "is empty; expected a YAML mapping")])
    return text


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


def _walk(node: Node, path: Path_, source: str, positions: dict[Path_, tuple[int, int]]) -> None:
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
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
            k = knode.value
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
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise _fail(source, line, col, f"not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(source, "", f"not valid YAML: {exc}")]) from None
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
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(source, "", f"not valid YAML: {exc}")]) from None
    if not isinstance(data, dict):
        raise _fail(source, 1, 1, f"top level must be a mapping of keys, found {type(data).__name__}")
    return Located(data, source, positions)


def _construct(text: str) -> Any:
    loader = yaml.SafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_file(path: str | os.PathLike[str]) -> Located:
    """Read and parse a YAML file with positions."""
    return load_yaml(read_text(path), str(path))
