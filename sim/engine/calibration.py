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
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.engine.links import motive_weight_specs
from sim.engine.projection import Projector
from sim.engine.world import World
from sim.scenario.schema import Scenario

#: Largest weight calibration may return: a motive worth 1000 × its face value is
#: not a motive but a misspecified reference state.
MAX_WEIGHT = 1000.0
#: Default planning horizon (days) for actors whose policy has none: a quarter, as the strategic policies.
DEFAULT_HORIZON = 90.0
#: Relative step of the central difference of an equality restriction.
REL_STEP = 1e-5


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


@dataclass
class Calibrated:
    """Weights as intervals ``(lo, hi)`` (a point when ``lo == hi``), with the restrictions used."""

    intervals: dict[str, tuple[float, float]]
    rows: list[Row] = field(default_factory=list)
    instruments: dict[str, list[str]] = field(default_factory=dict)  # actor -> calibrated instruments

    def point(self) -> dict[str, float]:
        """Midpoints (the point for identified weights)."""
        return {k: 0.5 * (lo + hi) for k, (lo, hi) in self.intervals.items()}

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


def policy_horizon(sc: Scenario, actor: str) -> float:
    return float(sc.actors[actor].policy.params.get("horizon_days", DEFAULT_HORIZON))


def policy_instruments(sc: Scenario, actor: str) -> list[str]:
    """The instruments whose reference levels restrict an actor's weights.

    Those named in ``calibration.instruments``, else those its policy may move (its
    ``instruments`` parameter), else all its instruments.
    """
    if sc.calibration is not None and actor in sc.calibration.instruments:
        return list(sc.calibration.instruments[actor])
    listed = sc.actors[actor].policy.params.get("instruments")
    return list(listed) if listed else list(sc.actors[actor].instruments)


def reference_world(sc: Scenario, params: dict[str, float]) -> World:
    """A world at the reference state on day 0: instruments at their reference values."""
    world = World(sc, params)
    world.values.update(world.reference)
    world._link_cache.clear()
    world.refresh()
    return world


def _continuous(sc: Scenario, ref: str, x: float) -> bool:
    spec = sc.instrument(ref)
    return any(l.tariff == ref for l in sc.trade_links.values()) and spec.min < x < spec.max


def restrictions(sc: Scenario, params: dict[str, float], keys: list[str]) -> list[Row]:
    """Every restriction the reference state puts on the calibrated weights."""
    world = reference_world(sc, params)
    proj = Projector(world)
    rows: list[Row] = []
    for a in sc.actors:
        mine = [k for k in keys if k.split(".", 1)[0] == a]
        horizon = policy_horizon(sc, a)
        for n in policy_instruments(sc, a):
            ref = f"{a}.{n}"
            spec = sc.instrument(ref)
            x = world.values[ref]
            if _continuous(sc, ref, x):
                h = REL_STEP * max(abs(x), spec.step, 1e-3)
                options, kind = [x - h, x + h], "equality"
            else:
                options = [v for v in (x - spec.step, x + spec.step) if spec.min <= v <= spec.max]
                kind = "inequality"
            if not options:
                continue
            values = []
            for config in [{}, *({k: 1.0} for k in mine)]:
                world.set_motive_weights({**dict.fromkeys(mine, 0.0), **config})
                loss = proj.project_options(horizon, [(ref, v) for v in options], (), a, relative=True)
                values.append(-np.asarray(loss, dtype=float))  # payoffs: hold, options
            base = values[0]
            unit = {k: values[i + 1] - base for i, k in enumerate(mine)}
            if kind == "equality":
                width = options[1] - options[0]
                rows.append(Row(a, ref, kind, _slope(base, width), {k: _slope(u, width) for k, u in unit.items()}))
            else:
                for j, v in enumerate(options):
                    # V(x*) − V(option) ≥ 0
                    rows.append(
                        Row(a, ref, kind, base[0] - base[j + 1], {k: u[0] - u[j + 1] for k, u in unit.items()}, v)
                    )
    return rows


def _slope(v: np.ndarray, width: float) -> float:
    """Central difference from payoffs ``(hold, x − h, x + h)``."""
    return float((v[2] - v[1]) / width)


def solve(keys: list[str], rows: list[Row]) -> Calibrated:
    """Intervals of the calibrated weights from the restrictions (errors if empty or unidentified)."""
    intervals: dict[str, tuple[float, float]] = {}
    instruments: dict[str, list[str]] = {}
    for key in keys:
        lo, hi = 0.0, math.inf
        pinned: float | None = None
        mine = []
        for r in rows:
            scale = max(abs(r.b), *(abs(v) for v in r.m.values()), 1e-300)
            involved = [k for k, v in r.m.items() if abs(v) > 1e-9 * scale]
            if key not in involved:
                continue
            if len(involved) > 1:
                raise CalibrationError(
                    f"weights {', '.join(involved)} are only jointly identified by {r.instrument}: "
                    "declare all but one of them as numbers"
                )
            mine.append(r)
            m = r.m[key]
            bound = float(-r.b / m)
            if r.kind == "equality":
                if pinned is not None and not math.isclose(pinned, bound, rel_tol=1e-6, abs_tol=1e-9):
                    raise CalibrationError(
                        f"{key}: the reference levels of {r.instrument} and another instrument ask for "
                        f"different weights ({pinned:.6g} and {bound:.6g})"
                    )
                pinned = bound
            elif m > 0:
                lo = max(lo, bound)
            else:
                hi = min(hi, bound)
        names = sorted({r.instrument for r in mine})
        if not mine:
            raise CalibrationError(
                f"{key} is declared 'calibrate' but no instrument its actor's policy moves depends on it: "
                "give it a number (with its source) or let the policy move the instrument it concerns"
            )
        if pinned is not None:
            lo = max(lo, 0.0)
            if pinned < -1e-9 or not (lo - 1e-9 <= pinned <= hi + 1e-9 * max(1.0, abs(hi))):
                raise CalibrationError(
                    f"{key}: the reference level of {', '.join(names)} needs the weight {pinned:.6g}, "
                    f"outside [{lo:.6g}, {hi:.6g}] (negative, or against an inequality): "
                    "the reference state is not a best response for any weight"
                )
            lo = hi = max(pinned, 0.0)
        if lo > hi + 1e-12 * max(1.0, abs(hi)):
            raise CalibrationError(
                f"{key}: empty interval [{lo:.6g}, {hi:.6g}] from the reference levels of {', '.join(names)}: "
                "no weight makes them best responses; check the reference state"
            )
        if hi > MAX_WEIGHT:
            raise CalibrationError(
                f"{key}: unidentified: the reference levels of {', '.join(names)} only bound it from below "
                f"({lo:.6g}); declare a number or a reference level that bounds it from above"
            )
        intervals[key] = (lo, min(hi, max(lo, hi)))
        instruments.setdefault(key.split(".", 1)[0], []).extend(names)
    return Calibrated(intervals, rows, {a: sorted(set(v)) for a, v in instruments.items()})


def calibrate(sc: Scenario, params: dict[str, float]) -> Calibrated:
    """Solve the calibrated weights of a scenario for one run's parameters."""
    keys = calibrated_keys(sc)
    if not keys:
        return Calibrated({})
    return solve(keys, restrictions(sc, params, keys))


def run_weights(sc: Scenario, params: dict[str, float], rng: np.random.Generator | None) -> dict[str, Any]:
    """The calibrated weights of one run (recalibrated for its sampled parameters)."""
    return calibrate(sc, params).draw(rng)
