"""One structural mistake, one error: the schema's errors that follow from an earlier one are left out.

Pydantic reports every key of a block on its own. When a block is mis-indented, that is
a dozen errors for one mistake: a block indented under a mapping of named entries
(``policy:`` under ``instruments:``) is read as one more entry, with every key of an
entry missing and its own keys unknown; keys dedented out of their block leave it empty
and are unknown where they land. Here such a group becomes one error that says what
happened, a misspelt key no longer also reports the key it misspells as missing, and the
keys missing from one block are one error. The cross-field checks' references to a name
that does not exist are one error per name (:func:`merge_references`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from sim.errors import Problem, did_you_mean
from sim.scenario.keys import fields_at, is_entries
from sim.scenario.yamlio import Located, dotted

Path = tuple[Any, ...]
Err = dict[str, Any]
#: Pydantic's "expected a mapping" errors.
MAPPING = ("model_type", "model_attributes_type", "dict_type")
#: Most places listed for the other references to an unknown name.
MAX_LISTED = 8


def closest(word: Any, choices: Iterable[str]) -> str | None:
    """The choice :func:`sim.errors.did_you_mean` suggests for ``word`` (``None``: none)."""
    m = re.fullmatch(r" \(did you mean '(.*)'\?\)", did_you_mean(str(word), choices))
    return m.group(1) if m else None


def _indentation(line: int | None) -> str:
    return f" (hint: check the indentation of line {line} and the lines above it)" if line else ""


def _line(located: Located, path: Path) -> int | None:
    pos = located.positions.get(path)
    return pos[0] if pos else None


def _kinds(errs: list[Err]) -> set[str]:
    return {str(e["type"]) for e in errs}


def _misplaced(groups: dict[Path, list[Err]], data: Any, located: Located, root: type[BaseModel]) -> list[Path]:
    """Blocks read as an entry of a mapping of named entries whose name is a key of the enclosing block."""
    seen: set[Path] = set()
    found = []
    for path in groups:
        for n in range(2, len(path) + 1):
            entry = path[:n]
            if entry in seen:
                continue
            seen.add(entry)
            parent = entry[:-1]
            name = entry[-1]
            if (
                name == parent[-1]
                or not is_entries(parent, data, root)
                or name not in fields_at(parent[:-1], data, root)
            ):
                continue
            kinds = set().union(*(_kinds(e) for q, e in groups.items() if q[: len(entry)] == entry))
            own = groups.get(entry, [])
            if {"missing", "extra_forbidden"} <= kinds or any(e["type"] in MAPPING for e in own):
                found.append(entry)
    return found


def prune(
    groups: dict[Path, list[Err]],
    data: Any,
    located: Located,
    root: type[BaseModel],
    where: Callable[[Path], str],
) -> list[tuple[Path, list[Err]] | Problem]:
    """The errors of ``groups`` (key path -> pydantic errors) in order, each either kept as
    ``(path, errors)`` or replaced, with the errors that follow from it, by one :class:`Problem`."""
    made: dict[Path, Problem] = {}
    gone: set[Path] = set()

    def replace(paths: list[Path], problem: Problem) -> None:
        first = next(q for q in groups if q in paths)
        made[first] = problem
        gone.update(paths)

    for entry in _misplaced(groups, data, located, root):
        under = [q for q in groups if q[: len(entry)] == entry and q not in gone]
        if not under:
            continue
        parent, name = entry[:-1], entry[-1]
        owner = dotted(parent[:-1])
        fix = f"indent it as a key of {owner}" if owner else "move it to the top level (no indentation)"
        msg = (
            f"'{name}' is read as an entry of {dotted(parent)}, but {name} is a key of {owner or 'the top level'}: "
            f"{fix}{_indentation(_line(located, entry))}"
        )
        replace(under, Problem(where(entry), dotted(entry), msg))

    for block, errs in list(groups.items()):  # an empty block followed by its own keys, dedented
        if block in gone or not block or errs[0]["_node"] is not None or not _kinds(errs) & set(MAPPING):
            continue
        allowed = fields_at(block, data, root)
        line = _line(located, block)
        after = [
            q
            for q, e in groups.items()
            if q not in gone
            and q[:-1] == block[:-1]
            and q[-1] in allowed
            and "extra_forbidden" in _kinds(e)
            and (_line(located, q) or 0) > (line or 0)
        ]
        if after and line:
            names = ", ".join(str(q[-1]) for q in after)
            msg = (
                f"is empty, and the keys after it ({names}) are keys of {dotted(block)}: indent them under "
                f"'{block[-1]}:'{_indentation(_line(located, after[0]))}"
            )
            replace([block, *after], Problem(where(block), dotted(block), msg))

    for q, errs in groups.items():  # a misspelt key: the key it misspells is not also missing
        if q in gone or "extra_forbidden" not in _kinds(errs):
            continue
        meant = closest(q[-1], fields_at(q[:-1], data, root))
        if meant is not None and _kinds(groups.get((*q[:-1], meant), [])) == {"missing"}:
            gone.add((*q[:-1], meant))

    blocks: dict[Path, list[Path]] = {}
    for q, errs in groups.items():
        if q not in gone and q and _kinds(errs) == {"missing"}:
            blocks.setdefault(q[:-1], []).append(q)
    for block, missing in blocks.items():
        if len(missing) > 1:
            names = ", ".join(f"'{q[-1]}'" for q in missing)
            replace(missing, Problem(where(block), dotted(block), f"required keys {names} are missing"))

    out: list[tuple[Path, list[Err]] | Problem] = []
    for path, errs in groups.items():
        if path in made:
            out.append(made[path])
        if path not in gone:
            out.append((path, errs))
    return out


def misplaced_key(key: Any, parent: Path, data: Any, root: type[BaseModel]) -> str:
    """``"; 'k' is a key of a.b: check its indentation"`` when an unknown ``key`` belongs to an
    enclosing block (a key indented one level too deep), else ``""``."""
    for n in range(len(parent) - 1, -1, -1):
        if key in fields_at(parent[:n], data, root):
            return f"; '{key}' is a key of {dotted(parent[:n]) or 'the top level'}: check its indentation"
    return ""


# ------------------------------------------------------------- cross-field checks
class Unknown(str):
    """A check's message about a name that does not exist; ``key`` identifies the name
    (``("actor", "UX")``), so that its other references are not reported again."""

    key: tuple[str, ...]

    def __new__(cls, text: str, *key: str) -> Unknown:
        self = super().__new__(cls, text)
        self.key = key
        return self


def _line_of(where: str) -> int | None:
    m = re.search(r":(\d+):\d+$", where)
    return int(m.group(1)) if m else None


def merge_references(found: list[tuple[Path, str]], where: Callable[[Path], str]) -> list[Problem]:
    """The checks' problems, with every reference to one unknown name after the first folded into it."""
    groups: dict[tuple[str, ...], list[tuple[str, Path, str]]] = {}
    order: list[tuple[str, ...] | int] = []
    plain: list[Problem] = []
    for path, msg in found:
        key = getattr(msg, "key", None)
        if not key:
            order.append(len(plain))
            plain.append(Problem(where(path), dotted(path), str(msg)))
            continue
        if key not in groups:
            order.append(key)
        groups.setdefault(key, []).append((where(path), path, str(msg)))
    out = []
    for item in order:
        if isinstance(item, int):
            out.append(plain[item])
            continue
        refs = sorted(groups[item], key=lambda r: _line_of(r[0]) or 0)
        (at, path, msg), others = refs[0], refs[1:]
        if others:
            lines = [_line_of(w) for w, _, _ in others]
            more = f" and {len(others) - MAX_LISTED} more" if len(others) > MAX_LISTED else ""
            if all(lines):
                msg += f"; also used on lines {', '.join(map(str, lines[:MAX_LISTED]))}{more}"
            else:
                shown = [f"line {n}" if n else w for n, (w, _, _) in zip(lines, others)]
                msg += f"; also used at {', '.join(shown[:MAX_LISTED])}{more}"
        out.append(Problem(at, dotted(path), msg))
    return out
