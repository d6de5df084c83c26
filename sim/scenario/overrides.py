"""``--set`` overrides: ``dotted.path=value`` applied to a copy of a raw scenario.

Setting an actor's ``policy.name`` to another policy replaces the policy: the
parameters of the file that the new policy does not accept are dropped (each
actor's drop is returned as a :class:`PolicySwap`, one line of text), and the
parameters set in the same command, in any order, are kept and validated against
the new policy. Which parameters a policy accepts is known only to the policy
registry, above this package: the caller passes it as ``accepts``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sim.errors import Problem, ScenarioError, did_you_mean, known
from sim.scenario.yamlio import dotted, load_yaml

#: The parameter names policy ``name`` accepts; ``None`` for an unknown policy.
Accepts = Callable[[str], Collection[str] | None]
#: The policy of an actor with no ``policy:`` key (:class:`sim.scenario.schema.Actor`).
DEFAULT_POLICY = "scripted"


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


def policy_container(path: list[Any], part: str) -> dict[str, Any] | None:
    """The mapping an override may create where the file has none: an actor's ``policy``
    (the default policy, as the schema has it) or its ``params`` (none)."""
    if len(path) == 2 and path[0] == "actors" and part == "policy":
        return {"name": DEFAULT_POLICY}
    if len(path) == 3 and path[0] == "actors" and path[2] == "policy" and part == "params":
        return {}
    return None


def _set_one(data: dict[str, Any], text: str, parts: list[str], value: Any) -> tuple[Any, ...] | Problem:
    """Set ``value`` at ``parts`` of ``data``; its key path, or the problem."""
    node: Any = data
    path: list[Any] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                where = dotted(tuple(path))
                return Problem(f"--set {text}", where, f"'{part}' is not an index of this list (0..{len(node) - 1})")
            key: Any = int(part)
        elif isinstance(node, dict):
            key = part
            if not last and key not in node:
                made = policy_container(path, part)
                if made is None:
                    msg = f"no key '{part}'{did_you_mean(part, node)}; known: {known(node)}"
                    return Problem(f"--set {text}", dotted(tuple(path)), msg)
                node[key] = made
        else:
            return Problem(f"--set {text}", dotted(tuple(path)), f"'{dotted(tuple(path))}' holds a value, not keys")
        path.append(key)
        if last:
            node[key] = value
        else:
            node = node[key]
    return tuple(path)


def apply_overrides(
    data: dict[str, Any], overrides: Iterable[str], accepts: Accepts | None = None
) -> tuple[dict[str, Any], dict[tuple[Any, ...], str], list[PolicySwap]]:
    """Apply ``--set`` overrides to a copy of ``data``.

    Returns the copy, the source of every overridden path (``"--set a.b=1"``) and the
    policies replaced (with ``accepts``: see :func:`replace_policies`).
    """
    base = data
    data = unshared_copy(data)
    sources: dict[tuple[Any, ...], str] = {}
    problems: list[Problem] = []
    for text in overrides:
        try:
            parts, value = parse_override(text)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        done = _set_one(data, text, parts, value)
        if isinstance(done, Problem):
            problems.append(done)
        else:
            sources[done] = f"--set {text}"
    if problems:
        raise ScenarioError(problems)
    swaps = replace_policies(data, base, sources, accepts) if accepts is not None else []
    for swap in swaps:  # the new policy's parameters from the file, or missing, are reported at its --set
        params = ("actors", swap.actor, "policy", "params")
        sources.setdefault(params, sources[(*params[:3], "name")])
    return data, sources, swaps


# ---------------------------------------------------------------- policy swaps
@dataclass(frozen=True)
class PolicySwap:
    """An actor's policy replaced by a set name: the parameters of the file dropped and kept."""

    actor: str
    old: str
    new: str
    dropped: tuple[str, ...]
    kept: tuple[str, ...]

    def note(self) -> str | None:
        """One line saying which parameters were dropped (``None``: none were)."""
        if not self.dropped:
            return None
        one = len(self.dropped) == 1
        kept = f" (kept: {', '.join(self.kept)})" if self.kept else ""
        return (
            f"actors.{self.actor}.policy: {'param' if one else 'params'} {', '.join(self.dropped)} "
            f"{'does' if one else 'do'} not apply to {self.new}; dropped{kept}"
        )


def _policy_of(actors: Any, actor: str) -> tuple[bool, Any]:
    """``(found, policy mapping)`` of ``actor`` in a raw document (the default policy when it has none)."""
    spec = actors.get(actor) if isinstance(actors, dict) else None
    if not isinstance(spec, dict):
        return False, None
    policy = spec.get("policy", {"name": DEFAULT_POLICY})
    return isinstance(policy, dict), policy


def replace_policies(
    data: dict[str, Any], base: dict[str, Any], set_paths: Iterable[tuple[Any, ...]], accepts: Accepts
) -> list[PolicySwap]:
    """Drop, for each actor whose ``policy.name`` was set to another policy, the parameters of
    ``base`` that the new policy does not accept; keep those set (``set_paths``). In place.

    ``data`` is ``base`` with values set at ``set_paths``. Returns one :class:`PolicySwap`
    per actor whose policy changed. Nothing is dropped for a name that is not a policy
    (the policy checks report it), nor when the whole ``policy`` or ``params`` was set.
    """
    paths = {tuple(str(s) for s in p) for p in set_paths}
    named = sorted({p[1] for p in paths if len(p) == 4 and p[0] == "actors" and p[2:] == ("policy", "name")})
    swaps: list[PolicySwap] = []
    for actor in named:
        head = ("actors", actor, "policy")
        ok, policy = _policy_of(data.get("actors"), actor)
        had, before = _policy_of(base.get("actors"), actor)
        if not ok or head in paths:
            continue
        new, old = policy.get("name"), before.get("name") if had else None
        allowed = accepts(new) if isinstance(new, str) and new != old else None
        if allowed is None:
            continue
        params = policy.get("params")
        mine = {p[4] for p in paths if len(p) > 4 and p[:4] == (*head, "params")}
        dropped: tuple[str, ...] = ()
        if isinstance(params, dict) and (*head, "params") not in paths:
            dropped = tuple(k for k in params if k not in allowed and k not in mine)
            for k in dropped:
                del params[k]
        kept = tuple(k for k in params if k not in mine) if isinstance(params, dict) else ()
        swaps.append(PolicySwap(actor, str(old), new, dropped, kept))
    return swaps
