"""Load a scenario file: YAML -> raw dict (+ ``--set`` overrides) -> validated Scenario.

Every problem is reported with ``file:line:column``, the dotted key path, what
was expected and what was found, all at once.
"""

from __future__ import annotations

import os
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.errors import Problem, ScenarioError, did_you_mean, known
from sim.scenario import checks
from sim.scenario.schema import Scenario
from sim.scenario.uncertain import collect_uncertain
from sim.scenario.yamlio import Located, dotted, load_file, load_yaml

_INTERNAL_SEGMENTS = ("float", "int", "str", "bool", "list", "dict", "date")


# --------------------------------------------------------------------- overrides
def parse_override(text: str) -> tuple[list[str], Any]:
    """``"a.b.0.c=1.5"`` -> (["a","b","0","c"], 1.5). The value is parsed as YAML."""
    if "=" not in text:
        raise ScenarioError([Problem("--set", text, "expected dotted.path=value")])
    key, _, raw = text.partition("=")
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise ScenarioError([Problem("--set", text, "expected dotted.path=value")])
    try:
        value = load_yaml(f"v: {raw}", "--set").data["v"] if raw.strip() else ""
    except ScenarioError as exc:
        why = "; ".join(p.message for p in exc.problems)
        raise ScenarioError([Problem("--set", key, f"value is not valid: {why}")]) from None
    return key.split("."), value


def unshared_copy(x: Any) -> Any:
    """A deep copy in which no two places share an object.

    YAML aliases (``*anchor``) load as one shared object; ``copy.deepcopy`` would
    keep them shared, so an override of one place would silently change the other.
    """
    if isinstance(x, dict):
        return {k: unshared_copy(v) for k, v in x.items()}
    if isinstance(x, list):
        return [unshared_copy(v) for v in x]
    return x


def apply_overrides(
    data: dict[str, Any], overrides: Iterable[str]
) -> tuple[dict[str, Any], dict[tuple[Any, ...], str]]:
    """Apply ``--set`` overrides to a copy of ``data``; return it and their sources."""
    data = unshared_copy(data)
    sources: dict[tuple[Any, ...], str] = {}
    problems: list[Problem] = []
    for text in overrides:
        try:
            parts, value = parse_override(text)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        node: Any = data
        path: list[Any] = []
        ok = True
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    problems.append(
                        Problem(
                            f"--set {text}",
                            dotted(tuple(path)),
                            f"'{part}' is not an index of this list (0..{len(node) - 1})",
                        )
                    )
                    ok = False
                    break
                key: Any = int(part)
            elif isinstance(node, dict):
                key = part
                if not last and key not in node:
                    problems.append(
                        Problem(
                            f"--set {text}",
                            dotted(tuple(path)),
                            f"no key '{part}'{did_you_mean(part, node)}; known: {known(node)}",
                        )
                    )
                    ok = False
                    break
            else:
                problems.append(
                    Problem(f"--set {text}", dotted(tuple(path)), f"'{dotted(tuple(path))}' holds a value, not keys")
                )
                ok = False
                break
            path.append(key)
            if last:
                node[key] = value
            else:
                node = node[key]
        if ok:
            sources[tuple(path)] = f"--set {text}"
    if problems:
        raise ScenarioError(problems)
    return data, sources


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
            out.append(seg)
            node = node[seg]
        elif isinstance(seg, str) and (seg in _INTERNAL_SEGMENTS or "[" in seg or "-" in seg or seg in _tags()):
            continue
        else:
            out.append(seg)
            exists = False
            node = None
    return tuple(out), node, exists


def _tags() -> set[str]:
    from sim.scenario.distributions import DIST_NAMES

    return set(DIST_NAMES) | {"set", "licensing", "threat", "summit"}


def _unwrap(tp: Any, node: Any) -> Any:
    """Resolve Annotated/Optional/Union to the model class ``node`` was validated as."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            models = [a for a in _flatten(tp) if isinstance(a, type) and issubclass(a, BaseModel)]
            if isinstance(node, dict):
                for m in models:
                    for tag in ("type", "dist"):
                        f = m.model_fields.get(tag)
                        if f is not None and node.get(tag) in typing.get_args(f.annotation):
                            return m
                if len(models) == 1:
                    return models[0]
            return None
        return tp


def _flatten(tp: Any) -> list[Any]:
    out: list[Any] = []
    for a in typing.get_args(tp):
        if typing.get_origin(a) is typing.Annotated:
            a = typing.get_args(a)[0]
        if typing.get_origin(a) in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            out.extend(_flatten(a))
        else:
            out.append(a)
    return out


def fields_at(path: tuple[Any, ...], data: Any, root: type[BaseModel] = Scenario) -> list[str]:
    """Names of the keys allowed at ``path`` (for "did you mean")."""
    tp: Any = root
    node = data
    for seg in path:
        tp = _unwrap(tp, node)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            f = tp.model_fields.get(seg)
            if f is None:
                return []
            tp = f.annotation
        elif typing.get_origin(tp) in (dict, list):
            tp = typing.get_args(tp)[-1]
        else:
            return []
        try:
            node = node[seg]
        except (KeyError, IndexError, TypeError):
            node = None
    tp = _unwrap(tp, node)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


def _found(value: Any) -> str:
    text = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


NUMBER_ERRORS = ("float_type", "float_parsing", "finite_number")


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
    for path, errs in groups.items():
        node = errs[0]["_node"]
        number_errors = [
            e for e in errs if e["type"] in NUMBER_ERRORS or (e["type"] == "value_error" and isinstance(node, float))
        ]
        deeper = any(len(q) > len(path) and q[: len(path)] == path for q in groups)
        if number_errors and (len(errs) > 1 or (isinstance(node, dict) and deeper)):  # number or distribution
            if isinstance(node, dict):  # a distribution: its own errors say what is wrong
                errs = [e for e in errs if e not in number_errors]
            elif isinstance(node, float):  # a number, but not an allowed one (NaN, infinity)
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
            problems.append(_problem(one, path, data, located, sources or {}, root))
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
    if kind == "extra_forbidden":
        parent, key = path[:-1], path[-1]
        allowed = fields_at(parent, data, root)
        msg = f"unknown key '{key}'{did_you_mean(key, allowed)}"
        if allowed:
            msg += f"; allowed here: {known(allowed)}"
    elif kind == "missing":
        msg = f"required key '{path[-1]}' is missing"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        ctx = e.get("ctx", {})
        expected = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",") if t.strip()]
        tagname = ctx.get("discriminator", "'type'").strip("'")
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
        raise ScenarioError([Problem(_where(p, located, sources), dotted(p), m) for p, m in found])
    return sc


def load_scenario(
    path: str | os.PathLike[str], overrides: Iterable[str] = (), *, extra: Iterable[checks.Check]
) -> Scenario:
    """Read, override, validate. Raises :class:`ScenarioError` listing every problem.

    ``extra``: the checks of the packages above (the engine passes its policy and
    protocol checks); :func:`sim.engine.compile.load_scenario` is the complete one.
    """
    located = load_file(path)
    data, sources = apply_overrides(located.data, overrides)
    sc = build(data, located, sources, extra)
    return sc


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
