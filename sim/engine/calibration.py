"""Calibration by revealed preference (``docs/model.md`` §3; the method of Ossa 2014).

Motive weights declared ``calibrate`` are chosen so that each actor's reference
instruments (the scenario's ``calibration.reference``: a non-cooperative state with no
agreement in force) are its best responses under exactly the valuation its strategic
policy uses: the projection of :mod:`sim.engine.projection` over the policy's horizon,
discounted, with the other side holding. Motive terms are linear in the weights, so:

- an interior continuous instrument (a link's tariff strictly inside its bounds) gives
  one equality ``∂V/∂x = 0`` at the reference;
- a tier, a 0/1 or share instrument, or an instrument at a bound gives inequalities
  ``V(x*) ≥ V(x* ± step)``, so its weights lie in intervals (sampled uniformly per run).

Only the instruments an actor's policy may move restrict its weights. An empty
interval, an unidentified weight (in no restriction, or unbounded) and weights that are
only jointly identified are errors naming the instrument.

With talks at the reference date (``calibration.talks_per_year > 0``) each option is valued with the
leverage term of the threat point (:func:`~sim.bargaining.threats.threat_point_value`), as
the strategic policies value it; an actor's payoffs then depend on the other's weights too,
so each actor's weights are solved with the other's held (midpoints), alternating to a fixed
point (:func:`joint`). At rate 0 the valuation is the own loss alone and one pass solves all.

An equality only makes the reference a local maximum. :func:`calibrate` also compares
it with the whole range of the instrument (``best_on_interval``) and records a
:class:`Flag` when a bound (or another local maximum) is worth more; and a flag when a
restriction that involves no calibrated weight fails (no weight can rationalise it).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from sim.bargaining.nash import nash_weight
from sim.bargaining.threats import NoFixedPoint, alternate, background_talks_probability, threat_point_value
from sim.engine.calibration_solve import (  # re-exported: the solver's names are part of this module's API
    Calibrated,
    CalibrationError,
    Flag,
    Row,
    _involved,
    solve,
)
from sim.engine.deals import first_summit
from sim.engine.links import motive_weight_specs
from sim.engine.negotiation import bargaining_settings
from sim.engine.projection import Projector
from sim.engine.world import World, num
from sim.model.motives import best_on_interval
from sim.scenario.schema import Scenario

#: Default planning horizon (days) for actors whose policy has none: a quarter, as the strategic policies.
DEFAULT_HORIZON = 90.0
#: Relative step of the central difference of an equality restriction.
REL_STEP = 1e-5
#: A move worth less than this ($bn over the horizon; $1,000) is no gain: flags ignore it.
GAIN_TOLERANCE_BN = 1e-6
#: The joint solve with the leverage term stops when no weight moves by more than this, relatively, in a sweep.
JOINT_TOLERANCE = 1e-10
MAX_SWEEPS = 200
Leverage = dict[str, tuple[float, float]]  # actor -> (P(talks within its horizon), its bargaining weight)


def calibrated_keys(sc: Scenario) -> list[str]:
    """Keys of the motive weights declared ``calibrate``."""
    return [k for k, x in motive_weight_specs(sc).items() if isinstance(x, str)]


def central_params(sc: Scenario) -> dict[str, float]:
    """Every uncertain parameter at its median (``frozen().median()``; a choice: its median value)."""
    out = {}
    for path, d in sc.uncertain:
        m = float(d.frozen().median())
        if hasattr(d, "values"):  # a choice: its frozen law is over the ranks of the sorted values
            m = float(np.sort(np.asarray(d.values, dtype=float))[int(m)])
        out[path] = m
    return out


def policy_horizon(sc: Scenario, actor: str) -> float:
    return float(sc.actors[actor].policy.params.get("horizon_days", DEFAULT_HORIZON))


def policy_instruments(sc: Scenario, actor: str) -> list[str]:
    """The instruments whose reference levels restrict an actor's weights.

    Those named in ``calibration.instruments``, else those its policy may move (its
    ``instruments`` parameter), else all its instruments.
    """
    if sc.calibration is not None and actor in sc.calibration.instruments:
        names = list(sc.calibration.instruments[actor])
        if unknown := [n for n in names if n not in sc.actors[actor].instruments]:
            raise CalibrationError(f"calibration.instruments.{actor} names no instrument of {actor}: {unknown}")
        return names
    listed = sc.actors[actor].policy.params.get("instruments")
    return list(listed) if listed else list(sc.actors[actor].instruments)


def reference_world(sc: Scenario, params: dict[str, float]) -> World:
    """A world at the reference state on day 0: instruments at their reference values."""
    world = World(sc, params)
    world.at_reference()
    return world


def _continuous(sc: Scenario, ref: str, x: float) -> bool:
    spec = sc.instrument(ref)
    return any(l.tariff == ref for l in sc.trade_links.values()) and spec.min < x < spec.max


def _options(sc: Scenario, ref: str, x: float) -> tuple[list[float], str]:
    """The values an instrument at ``x`` is compared with, and the kind of restriction they give."""
    spec = sc.instrument(ref)
    if _continuous(sc, ref, x):
        h = REL_STEP * max(abs(x), spec.step, 1e-3)
        return [x - h, x + h], "equality"
    return [v for v in (x - spec.step, x + spec.step) if spec.min <= v <= spec.max], "inequality"


def _weights_by_part(world: World) -> dict[str, set[str]]:
    """The motive weights each part of the projection (``link:NAME``, ``choke:NAME``) depends on."""
    out = {
        f"link:{l.name}": {k for k in (l.revenue_key, l.farm_key, *(p[0] for p in l.protection)) if k}
        for l in world.links
    }
    out.update({f"choke:{c.name}": {m.key for m in c.security} for c in world.chokes})
    return out


def _set_weights(world: World, weights: dict[str, float]) -> None:
    """Change motive weights for projections only (the world's own rates are not recomputed)."""
    world.motive_weights.update(weights)
    for l in world.links:
        l.forget()


def leverage(sc: Scenario, params: dict[str, float], world: World) -> Leverage:
    """Each actor's ``(p, w)`` at the reference state (docs/model.md §3–§4), as its policy reads them.

    The reference date has no summits and no threat deadlines, so talks open only at the
    reference's own rate (``calibration.talks_per_year``, not the dispute's):
    ``p = 1 − exp(−rate·H/365)`` over the actor's policy horizon ``H``. ``w`` is the actor's
    weight in the deal space's bargaining solution with the first summit's settings (as
    :meth:`sim.engine.deals.DealBook.weight`). ``p = 0`` without talks.
    """
    ds = sc.deal_space
    rate = sc.calibration.talks_per_year if sc.calibration is not None else 0.0
    if ds is None or rate <= 0.0:
        return {a: (0.0, 0.0) for a in sc.actors}
    table = SimpleNamespace(sc=sc, world=world, param=lambda x: num(x, params))
    a1, a2 = sc.actors
    w1 = nash_weight(bargaining_settings(table, (a1, a2), first_summit(sc)))  # type: ignore[arg-type]
    p = {a: background_talks_probability(rate, policy_horizon(sc, a)) for a in sc.actors}
    return {a1: (p[a1], w1), a2: (p[a2], 1.0 - w1)}


def _value(proj: Projector, horizon: float, moves: list[tuple[str, float]], actor: str, lev: Leverage) -> np.ndarray:
    """The actor's payoffs (hold, then each move) as its policy values them; ``−loss`` at ``p = 0``."""
    p, w = lev.get(actor, (0.0, 0.0))
    if p == 0.0:
        return -np.asarray(proj.project_options(horizon, moves, (), actor, relative=True), dtype=float)
    other = next(a for a in proj.w.actors if a != actor)
    own, theirs = proj.project_options(horizon, moves, (), (actor, other), relative=True)
    return np.asarray(threat_point_value(own, theirs, w, p), dtype=float)


def restrictions(
    sc: Scenario,
    params: dict[str, float],
    keys: list[str],
    world: World | None = None,
    keyless: bool = True,
    lev: Leverage | None = None,
    held: dict[str, float] | None = None,
    actors: list[str] | None = None,
) -> list[Row]:
    """Every restriction the reference state puts on the calibrated weights.

    Payoffs are linear in the weights: each instrument is valued once with every calibrated
    weight at 0 and once more per weight its parts depend on (the others' differences are 0).
    ``keyless=False`` leaves out the instruments no calibrated weight bears on (they restrict
    nothing). ``world`` (a :func:`reference_world`) is left with every calibrated weight at 0.
    ``lev``: options valued with the leverage term; ``held``: the other actors' weights (else 0);
    ``actors``: whose restrictions (default all).
    """
    world = reference_world(sc, params) if world is None else world
    proj = Projector(world)
    deps = proj.deps()
    uses = _weights_by_part(world)
    lev = lev or {}
    rows: list[Row] = []
    for a in actors or list(sc.actors):
        _set_weights(world, {k: 0.0 if held is None or k.split(".", 1)[0] == a else held[k] for k in keys})
        mine = [k for k in keys if k.split(".", 1)[0] == a]
        horizon = policy_horizon(sc, a)
        for n in policy_instruments(sc, a):
            ref = f"{a}.{n}"
            touched = {k for part in deps.get(ref, ()) for k in uses[part]}
            involved = [k for k in mine if k in touched]
            if not involved and not keyless:
                continue
            x = world.values[ref]
            options, kind = _options(sc, ref, x)
            if not options:
                continue
            moves = [(ref, v) for v in options]
            base = _value(proj, horizon, moves, a, lev)
            unit = {}
            for k in involved:
                _set_weights(world, {k: 1.0})
                unit[k] = _value(proj, horizon, moves, a, lev) - base
                _set_weights(world, {k: 0.0})
            if kind == "equality":
                width = options[1] - options[0]
                rows.append(Row(a, ref, kind, _slope(base, width), {k: _slope(u, width) for k, u in unit.items()}))
            else:
                for j, v in enumerate(options):  # V(x*) − V(option) ≥ 0
                    m = {k: float(u[0] - u[j + 1]) for k, u in unit.items()}
                    rows.append(Row(a, ref, kind, float(base[0] - base[j + 1]), m, v))
    _set_weights(world, dict.fromkeys(keys, 0.0))
    return rows


def _slope(v: np.ndarray, width: float) -> float:
    """Central difference from payoffs ``(hold, x − h, x + h)``."""
    return float((v[2] - v[1]) / width)


def joint(
    sc: Scenario, params: dict[str, float], keys: list[str], world: World, keyless: bool, lev: Leverage
) -> Calibrated:
    """Both actors' weights with the leverage term: each actor's solved with the other's held at their
    midpoints (0 at first), alternating (:func:`~sim.bargaining.threats.alternate`) until no interval end
    moves by more than ``JOINT_TOLERANCE`` relatively in a sweep; an error names the weights still moving."""
    considered = {a: [f"{a}.{n}" for n in policy_instruments(sc, a)] for a in sc.actors}
    parts: dict[str, Calibrated] = {}

    def solve_for(a: str, held: dict[str, float]) -> dict[str, tuple[float, float]]:
        rows = restrictions(sc, params, keys, world, keyless, lev, held, [a])
        parts[a] = solve([k for k in keys if k.split(".", 1)[0] == a], rows, considered)
        return parts[a].intervals

    try:
        intervals = alternate(solve_for, list(sc.actors), dict.fromkeys(keys, 0.0), JOINT_TOLERANCE, MAX_SWEEPS)
    except NoFixedPoint as e:
        raise CalibrationError(
            f"calibration with the leverage term (talks_per_year > 0) did not converge in {e.sweeps} sweeps: "
            f"weights {', '.join(e.moving)} still move (last: {', '.join(f'{k} {e.last.get(k)}' for k in e.moving)})"
        ) from e
    out = Calibrated(intervals)
    for part in parts.values():
        out.rows += part.rows
        out.instruments.update(part.instruments)
        out.sources.update(part.sources)
    return out


def bound_flags(sc: Scenario, world: World, cal: Calibrated, lev: Leverage | None = None) -> list[Flag]:
    """Flags of the reference levels that are not global best responses at the calibrated weights.

    Each interior tariff (an equality row) is valued over its whole range on the same
    projection (``best_on_interval``) at the calibrated weights (midpoints of intervals);
    a restriction involving no calibrated weight that fails is flagged as ``unrationalised``.
    """
    world.set_motive_weights(cal.point())
    proj = Projector(world)
    flags: list[Flag] = []
    for r in cal.rows:
        x, horizon = world.values[r.instrument], policy_horizon(sc, r.actor)
        if r.kind == "inequality":
            if r.b < -GAIN_TOLERANCE_BN and not _involved(r):
                flags.append(Flag(r.actor, r.instrument, "unrationalised", x, float(r.option), -r.b, horizon))
            continue
        spec = sc.instrument(r.instrument)

        def payoff(v: float, r: Row = r, horizon: float = horizon) -> float:
            return float(_value(proj, horizon, [(r.instrument, v)], r.actor, lev or {})[1])

        best = best_on_interval(payoff, spec.min, spec.max)
        gain = best.objective - payoff(x)
        if gain > GAIN_TOLERANCE_BN:
            kind = "interior_wins" if best.interior else "bound_wins"
            flags.append(Flag(r.actor, r.instrument, kind, x, best.value, gain, horizon))
    return flags


def calibrate(sc: Scenario, params: dict[str, float], flags: bool = True) -> Calibrated:
    """Solve the calibrated weights of a scenario for one run's parameters.

    ``flags=False`` (the per-run path) skips the comparison with the instruments'
    bounds and the restrictions no calibrated weight bears on; the weights are the same.
    """
    keys = calibrated_keys(sc)
    if not keys:
        return Calibrated({})
    world = reference_world(sc, params)
    lev = leverage(sc, params, world)
    if any(p > 0.0 for p, _ in lev.values()):
        cal = joint(sc, params, keys, world, flags, lev)
    else:
        rows = restrictions(sc, params, keys, world, keyless=flags)
        considered = {a: [f"{a}.{n}" for n in policy_instruments(sc, a)] for a in sc.actors}
        cal = solve(keys, rows, considered)
    if flags:
        cal.flags = bound_flags(sc, world, cal, lev)
    return cal


def run_weights(sc: Scenario, params: dict[str, float], rng: np.random.Generator | None) -> dict[str, Any]:
    """The calibrated weights of one run (recalibrated for its sampled parameters)."""
    return calibrate(sc, params, flags=False).draw(rng)
