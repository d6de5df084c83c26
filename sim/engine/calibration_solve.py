"""Weights from the restrictions of a reference state: intervals, pins and the errors that name them.

The linear-algebra half of :mod:`sim.engine.calibration` (docs/model.md §3): each restriction
``b + Σ m_k w_k (=|≥) 0`` involves one weight (jointly identified weights are an error); an
equality pins it, an inequality bounds it from below or above. Pure: no projection, no world.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

#: Largest weight calibration may return: a motive worth 1000 × its face value is
#: not a motive but a misspecified reference state.
MAX_WEIGHT = 1000.0


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
