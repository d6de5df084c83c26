"""Load a scenario file: YAML -> raw dict (+ ``--set`` overrides) -> validated Scenario.

Every problem is reported with ``file:line:column``, the dotted key path, what
was expected and what was found, all at once.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.errors import Problem, ScenarioError, did_you_mean, known
from sim.scenario import cascade, checks
from sim.scenario.distributions import DIST_NAMES
from sim.scenario.keys import fields_at
from sim.scenario.overrides import Accepts, apply_overrides, parse_override, unshared_copy
from sim.scenario.schema import Scenario
from sim.scenario.uncertain import collect_uncertain
from sim.scenario.yamlio import Located, dotted, load_file

__all__ = [
    "apply_overrides",
    "build",
    "convert_errors",
    "fields_at",
    "load_scenario",
    "parse_override",
    "scenario_from_dict",
    "unshared_copy",
    "validate_files",
]

_INTERNAL_SEGMENTS = ("float", "int", "str", "bool", "list", "dict", "date")


# --------------------------------------------------------------- pydantic errors
def _clean_loc(loc: tuple[Any, ...], data: Any) -> tuple[tuple[Any, ...], Any, bool]:
    """Drop pydantic's internal union/tag segments: keep only real keys of ``data``.

    Returns the cleaned path, the value there, and whether the path exists.
    """
    out: list[Any] = []
    node = data
    exists = True
    for seg in loc:
        is_key = isinstance(node, dict) and seg in node
        is_index = isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node)
        if is_key or is_index:
            out.append(next((k for k in node if k == seg), seg) if is_key else seg)  # pydantic says 1 for true
            node = node[seg]
        elif isinstance(seg, str) and (seg in _INTERNAL_SEGMENTS or "[" in seg or "-" in seg or seg in _tags()):
            continue
        else:
            out.append(seg)
            exists = False
            node = None
    return tuple(out), node, exists


def _tags() -> set[str]:
    return set(DIST_NAMES) | {"set", "licensing", "threat", "summit"}


def _found(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    text = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


NUMBER_ERRORS = ("float_type", "float_parsing", "finite_number")
#: Names of the types YAML reads an unquoted key as.
_KINDS = {bool: "boolean", int: "number", float: "number", dt.date: "date"}


def convert_errors(
    exc: ValidationError,
    data: Any,
    located: Located,
    sources: dict[tuple[Any, ...], str] | None = None,
    root: type[BaseModel] = Scenario,
) -> list[Problem]:
    """Turn pydantic errors into located, readable problems (one per key)."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for err in exc.errors():
        path, node, exists = _clean_loc(tuple(err["loc"]), data)
        groups.setdefault(path, []).append(dict(err, _node=node, _exists=exists))
    problems: list[Problem] = []
    sources = sources or {}
    for item in cascade.prune(groups, data, located, root, lambda q: _where(q, located, sources)):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        path, errs = item
        node = errs[0]["_node"]
        number = isinstance(node, (int, float)) and not isinstance(node, bool)
        number_errors = [e for e in errs if e["type"] in NUMBER_ERRORS or (e["type"] == "value_error" and number)]
        deeper = any(len(q) > len(path) and q[: len(path)] == path for q in groups)
        if number_errors and (len(errs) > 1 or (isinstance(node, dict) and deeper)):  # number or distribution
            if isinstance(node, dict):  # a distribution: its own errors say what is wrong (not 'calibrate')
                errs = [e for e in errs if e not in number_errors and e["type"] != "literal_error"]
            elif number:  # a number, but not an allowed one (out of range, NaN, infinity): not 'calibrate' either
                errs = number_errors
            else:
                words = [w for e in errs if e["type"] == "literal_error" for w in _options(e)]  # e.g. 'calibrate'
                also = "".join(f" or '{w}'" for w in words)
                hint = did_you_mean(node, words) if isinstance(node, str) else ""
                errs = [
                    dict(
                        errs[0],
                        type="number_or_distribution",
                        msg=f"expected a number or a distribution "
                        f"{{dist: uniform, low: ..., high: ...}}{also}, "
                        f"found {_found(node)}{hint}",
                    )
                ]
        for one in errs:
            problems.append(_problem(one, path, data, located, sources, root))
    # keep one message per (place, text)
    seen: set[str] = set()
    unique = []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            unique.append(p)
    return unique


def _options(e: dict[str, Any]) -> list[str]:
    """The values a ``literal_error`` expected."""
    exp = e.get("ctx", {}).get("expected", "")
    return [o.strip(" '") for o in str(exp).replace(" or ", ",").split(",") if o.strip()]


def _where(path: tuple[Any, ...], located: Located, sources: dict[tuple[Any, ...], str]) -> str:
    p = tuple(path)
    while p:
        if p in sources:
            return sources[p]
        p = p[:-1]
    return located.where(path)


def _problem(
    e: dict[str, Any],
    path: tuple[Any, ...],
    data: Any,
    located: Located,
    sources: dict[tuple[Any, ...], str],
    root: type[BaseModel],
) -> Problem:
    kind = e["type"]
    msg = e["msg"]
    node = e["_node"]
    if "[key]" in e["loc"] and path:  # a key YAML read as a number, a boolean or null
        key = path[-1]
        what = "nothing (null)" if key is None else f"a {_KINDS.get(type(key), type(key).__name__)} ({key!r})"
        msg = f"this key is read as {what}, but keys here are names: quote it in the file"
    elif kind == "extra_forbidden":
        parent, key = path[:-1], path[-1]
        allowed = fields_at(parent, data, root)
        hint = did_you_mean(key, allowed)
        msg = f"unknown key '{key}'{hint}"
        if allowed:
            msg += f"; allowed here: {known(allowed)}"
        if not hint:
            msg += cascade.misplaced_key(key, parent, data, root)
    elif kind == "missing":
        msg = f"required key '{path[-1]}' is missing"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        ctx = e.get("ctx", {})
        expected = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",") if t.strip()]
        tagname = ctx.get("discriminator", "'type'").strip("'")
        if not expected:  # pydantic names the tags only when one is given
            expected = sorted(t for t in _tags() if (t in DIST_NAMES) == (tagname == "dist"))
        tag = ctx.get("tag")
        if kind == "union_tag_not_found":
            msg = f"missing '{tagname}'; expected one of: {', '.join(expected)}"
        else:
            msg = f"unknown {tagname} '{tag}'{did_you_mean(tag, expected)}; expected one of: {', '.join(expected)}"
        path = path + ((tagname,) if kind == "union_tag_invalid" else ())
    elif kind == "finite_number":
        msg = f"expected a finite number (not NaN or infinity), found {_found(node)}"
    elif kind.startswith("value_error"):
        msg = msg.removeprefix("Value error, ")
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        msg = f"expected a mapping of keys, found {_found(node)}"
    elif kind == "literal_error":
        msg = f"{msg}, found {_found(node)}"
        msg += did_you_mean(node, _options(e)) if isinstance(node, str) else ""
    elif e["_exists"] and kind not in ("missing", "number_or_distribution"):
        msg = f"{msg}, found {_found(node)}"
    return Problem(_where(path, located, sources), dotted(tuple(path)), msg)


# ------------------------------------------------------------------------ public
def build(
    data: dict[str, Any],
    located: Located,
    sources: dict[tuple[Any, ...], str] | None = None,
    extra: Iterable[checks.Check] = (),
) -> Scenario:
    """Validate a raw document (already overridden) into a Scenario.

    ``extra`` are further cross-field checks (see :func:`sim.scenario.checks.check`);
    their problems are reported with the others, each at its file:line:column.
    """
    sources = sources or {}
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(convert_errors(exc, data, located, sources)) from None
    sc._uncertain = collect_uncertain(sc)  # before the checks: a check may evaluate the model
    found = checks.check(sc, extra)
    if found:
        raise ScenarioError(cascade.merge_references(found, lambda p: _where(p, located, sources)))
    return sc


def load_scenario(
    path: str | os.PathLike[str],
    overrides: Iterable[str] = (),
    *,
    extra: Iterable[checks.Check],
    accepts: Accepts | None = None,
    note: Callable[[str], None] | None = None,
) -> Scenario:
    """Read, override, validate. Raises :class:`ScenarioError` listing every problem.

    ``extra``: the checks of the packages above (the engine passes its policy and
    protocol checks); :func:`sim.engine.compile.load_scenario` is the complete one.
    ``accepts``: the parameters a policy accepts, so that an override of a policy's name
    replaces it (:mod:`sim.scenario.overrides`); ``note`` is given one line per actor
    whose parameters were dropped, before the scenario is validated.
    """
    located = load_file(path)
    data, sources, swaps = apply_overrides(located.data, overrides, accepts)
    for swap in swaps:
        line = swap.note()
        if note is not None and line is not None:
            note(line)
    return build(data, located, sources, extra)


def validate_files(paths: Iterable[str], *, extra: Iterable[checks.Check]) -> list[Problem]:
    """Problems in every file (empty if all are valid)."""
    problems: list[Problem] = []
    for p in paths:
        try:
            load_scenario(p, (), extra=extra)
        except ScenarioError as exc:
            problems.extend(exc.problems)
    return problems


def scenario_from_dict(data: dict[str, Any], source: str = "<dict>", *, extra: Iterable[checks.Check]) -> Scenario:
    """Validate a scenario given as a Python dict (tests, notebooks, sweeps)."""
    return build(unshared_copy(data), Located(data, source, {}), {}, extra)
