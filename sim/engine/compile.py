"""From a validated scenario to a runnable one: the checks that need the engine's registries.

The scenario package validates everything a schema can know. Whether a policy
exists and whether its parameters are valid is known only to the policy
registry, so the engine adds those checks here; problems keep their
file:line:column because they go through the same loader.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from sim.bargaining.base import REGISTRY as PROTOCOLS
from sim.errors import Problem, did_you_mean, known
from sim.policies import REGISTRY
from sim.scenario import loader, overrides
from sim.scenario.cascade import Unknown
from sim.scenario.checks import Found, instrument_exists
from sim.scenario.overrides import PolicySwap
from sim.scenario.schema import Scenario, Summit
from sim.scenario.yamlio import Located


def policy_checks(sc: Scenario) -> Found:
    """Each actor's policy is registered and its parameters validate against its model."""
    for a, actor in sc.actors.items():
        base = ("actors", a)
        pol = actor.policy
        if pol.name not in REGISTRY:
            yield (
                base + ("policy", "name"),
                (f"unknown policy '{pol.name}'{did_you_mean(pol.name, REGISTRY)}; known: {known(REGISTRY)}"),
            )
            continue
        try:
            REGISTRY[pol.name].Params(**pol.params)
        except ValidationError as exc:
            for e in exc.errors():
                yield base + ("policy", "params") + tuple(e["loc"]), _param_message(pol.name, e)
        names = pol.params.get("instruments")
        for i, name in enumerate(names if isinstance(names, list) else []):
            if isinstance(name, str):  # a name of another type is reported by its parameters' model
                yield from instrument_exists(sc, base + ("policy", "params", "instruments", i), a, name)


def _param_message(policy: str, e: Any) -> str:
    """A policy parameter's error: what was expected and what was found."""
    fields = REGISTRY[policy].Params.model_fields
    name = e["loc"][-1] if e["loc"] else ""
    if e["type"] == "extra_forbidden":
        return (
            f"policy '{policy}' has no parameter '{name}'{did_you_mean(str(name), fields)}; "
            f"known: {known(fields) or 'none'}"
        )
    if e["type"] == "missing":
        return f"policy '{policy}' needs the parameter '{name}'"
    msg = str(e["msg"]).removeprefix("Value error, ")
    if e["type"] != "value_error" and "input" in e:
        shown = repr(e["input"])
        msg += f", found {shown if len(shown) <= 60 else shown[:57] + '...'}"
    return msg


def protocol_checks(sc: Scenario) -> Found:
    """Each summit names a registered bargaining protocol."""
    for i, move in enumerate(sc.calendar):
        if isinstance(move, Summit) and move.protocol not in PROTOCOLS:
            known_names = known(PROTOCOLS)
            yield (
                ("calendar", i, "protocol"),
                f"unknown bargaining protocol '{move.protocol}'{did_you_mean(move.protocol, PROTOCOLS)}; "
                f"known: {known_names}",
            )


def _motive_path(sc: Scenario, key: str) -> tuple[Any, ...]:
    """The scenario path of a motive weight key (``ACTOR.kind[.target]``)."""
    actor, kind, *rest = key.split(".")
    base: tuple[Any, ...] = ("actors", actor, "motives", kind)
    if rest and actor in sc.actors:
        entries = getattr(sc.actors[actor].motives, kind, [])
        for i, e in enumerate(entries):
            if getattr(e, "link", None) == rest[0] or getattr(e, "chokepoint", None) == rest[0]:
                return (*base, i, "weight")
    return base


def revealed_instrument_checks(sc: Scenario) -> Found:
    """``calibration.instruments`` names actors and their instruments."""
    if sc.calibration is None:
        return
    for actor, names in sc.calibration.instruments.items():
        base = ("calibration", "instruments", actor)
        if actor not in sc.actors:
            msg = f"unknown actor '{actor}'{did_you_mean(actor, sc.actors)}; known: {known(sc.actors)}"
            yield base, Unknown(msg, "actor", actor)
            continue
        own = sc.actors[actor].instruments
        for i, n in enumerate(names):
            if n not in own:
                msg = f"{actor} has no instrument '{n}'{did_you_mean(n, own)}; known: {known(own)}"
                yield (*base, i), Unknown(msg, "instrument", actor, n)


def calibration_checks(sc: Scenario) -> Found:
    """The calibrated weights can be solved at the parameters' medians (the check runs one calibration).

    It runs only when no other check found a problem (``after_others``): unknown names in
    the calibration section are reported by those checks.

    Runs recalibrate for their own sampled parameters; a draw for which no weight
    rationalises the reference state fails that run, reported like any failed run.
    """
    from sim.engine.calibration import CalibrationError, calibrate, calibrated_keys, central_params

    keys = calibrated_keys(sc)
    if not keys:
        return
    try:
        calibrate(sc, central_params(sc), flags=False)
    except CalibrationError as exc:
        msg = str(exc)
        named = [k for k in keys if k in msg]
        path = _motive_path(sc, named[0]) if named else ("calibration",)
        yield path, f"calibration fails at the parameters' medians: {msg}"


calibration_checks.after_others = True  # type: ignore[attr-defined]
CHECKS = (policy_checks, protocol_checks, revealed_instrument_checks, calibration_checks)


def accepted_params(name: str) -> frozenset[str] | None:
    """The parameters policy ``name`` accepts (``None``: no such policy)."""
    return frozenset(REGISTRY[name].Params.model_fields) if isinstance(name, str) and name in REGISTRY else None


def note(line: str) -> None:
    """Say on stderr what an override did beyond setting its value (parameters dropped)."""
    print(f"tradesim: note: {line}", file=sys.stderr)


def load_scenario(path: str | os.PathLike[str], overrides: Iterable[str] = ()) -> Scenario:
    """Read, override and validate a scenario file, policies included.

    An override of an actor's ``policy.name`` replaces its policy: the file's parameters
    the new policy does not accept are dropped, with a note on stderr
    (:mod:`sim.scenario.overrides`). Raises :class:`sim.errors.ScenarioError` listing
    every problem.
    """
    return loader.load_scenario(path, overrides, extra=CHECKS, accepts=accepted_params, note=note)


def replace_policies(data: dict[str, Any], base: dict[str, Any], paths: Iterable[str]) -> list[PolicySwap]:
    """After values were set at the dotted ``paths`` of ``data`` (a copy of ``base``; a sweep's
    point), replace the policies whose name was set, as ``--set`` does. In place."""
    return overrides.replace_policies(data, base, [tuple(p.split(".")) for p in paths], accepted_params)


def build(data: dict[str, Any], located: Located, sources: dict[tuple[Any, ...], str] | None = None) -> Scenario:
    """Validate a raw (already overridden) document, policies included."""
    return loader.build(data, located, sources, CHECKS)


def scenario_from_dict(data: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a scenario given as a Python dict (tests, notebooks, sweeps), policies included."""
    return loader.scenario_from_dict(data, source, extra=CHECKS)


def validate_files(paths: Iterable[str]) -> list[Problem]:
    """Problems in every file, policies included (empty if all are valid)."""
    return loader.validate_files(paths, extra=CHECKS)
