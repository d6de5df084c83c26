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

An equality only makes the reference a local maximum. :func:`calibrate` also compares
it with the whole range of the instrument (``best_on_interval``) and records a
:class:`Flag` when a bound (or another local maximum) is worth more; and a flag when a
restriction that involves no calibrated weight fails (no weight can rationalise it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.engine.links import motive_weight_specs
from sim.engine.projection import Projector
from sim.engine.world import World
from sim.model.motives import best_on_interval
from sim.scenario.schema import Scenario

#: Largest weight calibration may return: a motive worth 1000 × its face value is
#: not a motive but a misspecified reference state.
MAX_WEIGHT = 1000.0
#: Default planning horizon (days) for actors whose policy has none: a quarter, as the strategic policies.
DEFAULT_HORIZON = 90.0
#: Relative step of the central difference of an equality restriction.
REL_STEP = 1e-5
#: A move worth less than this ($bn over the horizon; $1,000) is no gain: flags ignore it.
GAIN_TOLERANCE_BN = 1e-6


class CalibrationError(ValueError):
    """The reference state cannot be rationalised: names the actor, instrument and weight."""


@dataclass
class Row:
    """One restriction ``b + Σ m_k w_k (=|≥) 0`` from an instrument at the reference."""

    actor: str
    instrument: str
    kind: str  # "equality" or "inequality"
    b: float
    m: dict[str, float]
    option: float | None = None  # the value compared with, for inequalities


@dataclass(frozen=True)
class Source:
    """How one restriction bounds one weight: it ``pins`` it, or gives a ``lower`` or ``upper`` bound."""

    instrument: str
    kind: str  # "equality" or "inequality"
    role: str  # "pins", "lower" or "upper"
    bound: float
    option: float | None = None


@dataclass(frozen=True)
class Flag:
    """A reference level the calibrated weights do not make a global best response.

    ``kind``: ``bound_wins`` (a bound of the instrument is worth more than the interior
    reference level), ``interior_wins`` (another local maximum is), ``unrationalised``
    (a restriction involving no calibrated weight fails: a move gains whatever the weights).
    """

    actor: str
    instrument: str
    kind: str
    reference: float
    best: float
    gain_bn: float
    horizon_days: float

    def message(self) -> str:
        what = {"bound_wins": "the bound", "interior_wins": "another local maximum at"}.get(self.kind, "moving it to")
        return (
            f"{self.instrument}: {what} {self.best:.6g} is worth ${self.gain_bn:.4g}bn more to {self.actor} than "
            f"the reference level {self.reference:.6g} over its {self.horizon_days:g}-day horizon at the calibrated "
            f"weights ({self.kind})"
        )


@dataclass
class Calibrated:
    """Weights as intervals ``(lo, hi)`` (a point when ``lo == hi``), with the restrictions used."""

    intervals: dict[str, tuple[float, float]]
    rows: list[Row] = field(default_factory=list)
    instruments: dict[str, list[str]] = field(default_factory=dict)  # actor -> calibrated instruments
    sources: dict[str, list[Source]] = field(default_factory=dict)  # weight -> restrictions that bound it
    flags: list[Flag] = field(default_factory=list)

    def point(self) -> dict[str, float]:
        """Midpoints (the point for identified weights)."""
        return {k: 0.5 * (lo + hi) for k, (lo, hi) in self.intervals.items()}

    def is_point(self, key: str) -> bool:
        lo, hi = self.intervals[key]
        return hi <= lo

    def draw(self, rng: np.random.Generator | None) -> dict[str, float]:
        """Weights for one run: points as they are, intervals uniformly (midpoints without ``rng``)."""
        out = {}
        for k, (lo, hi) in sorted(self.intervals.items()):
            if hi <= lo:
                out[k] = lo
            elif rng is None:
                out[k] = 0.5 * (lo + hi)
            else:
                out[k] = lo + (hi - lo) * float(rng.random())
        return out


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


def restrictions(
    sc: Scenario, params: dict[str, float], keys: list[str], world: World | None = None, keyless: bool = True
) -> list[Row]:
    """Every restriction the reference state puts on the calibrated weights.

    Payoffs are linear in the weights: each instrument is valued once with every calibrated
    weight at 0 and once more per weight its parts depend on (the others' differences are 0).
    ``keyless=False`` leaves out the instruments no calibrated weight bears on (they restrict
    nothing). ``world`` (a :func:`reference_world`) is left with every calibrated weight at 0.
    """
    world = reference_world(sc, params) if world is None else world
    proj = Projector(world)
    deps = proj.deps()
    uses = _weights_by_part(world)
    _set_weights(world, dict.fromkeys(keys, 0.0))
    rows: list[Row] = []
    for a in sc.actors:
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
            base = -np.asarray(proj.project_options(horizon, moves, (), a, relative=True), dtype=float)
            unit = {}
            for k in involved:
                _set_weights(world, {k: 1.0})
                unit[k] = -np.asarray(proj.project_options(horizon, moves, (), a, relative=True)) - base
                _set_weights(world, {k: 0.0})
            if kind == "equality":
                width = options[1] - options[0]
                rows.append(Row(a, ref, kind, _slope(base, width), {k: _slope(u, width) for k, u in unit.items()}))
            else:
                for j, v in enumerate(options):  # V(x*) − V(option) ≥ 0
                    m = {k: float(u[0] - u[j + 1]) for k, u in unit.items()}
                    rows.append(Row(a, ref, kind, float(base[0] - base[j + 1]), m, v))
    return rows


def _slope(v: np.ndarray, width: float) -> float:
    """Central difference from payoffs ``(hold, x − h, x + h)``."""
    return float((v[2] - v[1]) / width)


def _involved(r: Row) -> list[str]:
    scale = max(abs(r.b), *(abs(v) for v in r.m.values()), 1e-300)
    return [k for k, v in r.m.items() if abs(v) > 1e-9 * scale]


def _names(sources: list[Source]) -> str:
    return ", ".join(sorted({s.instrument for s in sources}))


def solve(keys: list[str], rows: list[Row], considered: dict[str, list[str]] | None = None) -> Calibrated:
    """Intervals of the calibrated weights from the restrictions (errors if empty or unidentified).

    ``considered`` (actor -> instrument refs) names the restricting instruments in the
    message of a weight no restriction involves.
    """
    intervals: dict[str, tuple[float, float]] = {}
    sources: dict[str, list[Source]] = {}
    for key in keys:
        lo, hi = 0.0, math.inf
        pinned: Source | None = None
        mine: list[Source] = []
        for r in rows:
            involved = _involved(r)
            if key not in involved:
                continue
            if len(involved) > 1:
                raise CalibrationError(
                    f"weights {', '.join(involved)} are only jointly identified by the reference level of "
                    f"{r.instrument}: declare all but one of them as numbers"
                )
            m = r.m[key]
            bound = float(-r.b / m)
            role = "pins" if r.kind == "equality" else "lower" if m > 0 else "upper"
            src = Source(r.instrument, r.kind, role, bound, r.option)
            mine.append(src)
            if role == "pins":
                if pinned is not None and not math.isclose(pinned.bound, bound, rel_tol=1e-6, abs_tol=1e-9):
                    raise CalibrationError(
                        f"{key}: the reference levels of {pinned.instrument} and {r.instrument} ask for "
                        f"different weights ({pinned.bound:.6g} and {bound:.6g})"
                    )
                pinned = src
            elif role == "lower":
                lo = max(lo, bound)
            else:
                hi = min(hi, bound)
        if not mine:
            actor = key.split(".", 1)[0]
            listed = ", ".join((considered or {}).get(actor, [])) or "none"
            raise CalibrationError(
                f"{key} is declared 'calibrate' but no instrument that restricts {actor}'s weights depends on it "
                f"(restricting: {listed}): give it a number (with its source) or let {actor} choose an "
                "instrument it bears on (calibration.instruments)"
            )
        names = _names(mine)
        if pinned is not None:
            if pinned.bound < -1e-9:
                raise CalibrationError(
                    f"{key}: the reference level of {pinned.instrument} needs the negative weight "
                    f"{pinned.bound:.6g}: no non-negative weight makes it a best response; check the reference state"
                )
            tol = 1e-9 * max(1.0, abs(pinned.bound))
            against = [s for s in mine if s.role == "lower" and pinned.bound < s.bound - tol]
            against += [s for s in mine if s.role == "upper" and pinned.bound > s.bound + tol]
            if against:
                raise CalibrationError(
                    f"{key}: the reference level of {pinned.instrument} needs the weight {pinned.bound:.6g}, "
                    f"outside [{lo:.6g}, {hi:.6g}] from the reference levels of {_names(against)}: "
                    "no weight makes them all best responses"
                )
            lo = hi = max(pinned.bound, 0.0)
        if lo > hi + 1e-12 * max(1.0, abs(hi)):
            raise CalibrationError(
                f"{key}: empty interval [{lo:.6g}, {hi:.6g}] from the reference levels of {names}: "
                "no weight makes them best responses; check the reference state"
            )
        if hi > MAX_WEIGHT:
            raise CalibrationError(
                f"{key}: unidentified: the reference levels of {names} only bound it from below "
                f"({lo:.6g}); declare a number or a reference level that bounds it from above"
            )
        intervals[key] = (lo, max(lo, hi))
        sources[key] = mine
    instruments: dict[str, set[str]] = {}
    for key, srcs in sources.items():
        instruments.setdefault(key.split(".", 1)[0], set()).update(s.instrument for s in srcs)
    return Calibrated(intervals, rows, {a: sorted(v) for a, v in instruments.items()}, sources)


def bound_flags(sc: Scenario, world: World, cal: Calibrated) -> list[Flag]:
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
            return -float(proj.project_options(horizon, [(r.instrument, v)], (), r.actor, relative=True)[1])

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
    rows = restrictions(sc, params, keys, world, keyless=flags)
    considered = {a: [f"{a}.{n}" for n in policy_instruments(sc, a)] for a in sc.actors}
    cal = solve(keys, rows, considered)
    if flags:
        cal.flags = bound_flags(sc, world, cal)
    return cal


def run_weights(sc: Scenario, params: dict[str, float], rng: np.random.Generator | None) -> dict[str, Any]:
    """The calibrated weights of one run (recalibrated for its sampled parameters)."""
    return calibrate(sc, params, flags=False).draw(rng)
