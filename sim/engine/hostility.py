"""The hostility index: how far the instruments stand towards their hostile ends, weighted by what they cost.

Each instrument k is placed on [0, 1] along its range in its hostile direction,
``h_k = (x − min)/(max − min)`` (``hostile: up``) or ``(max − x)/(max − min)``
(``hostile: down``); an instrument with ``max == min`` counts 0. Its weight is the
other side's flow loss ($bn per day, undiscounted) from moving k from its friendly
end to its hostile end at the start state, every other instrument at its value on
day 0, measured as the average daily loss over the run's horizon (so an export
control, which costs nothing until the consumer's stock runs out, weighs what its
shortage costs); a negative difference counts 0. The weights are
normalised to sum 1 over the instruments of every actor (equal weights over the
instruments that can move if every weight is 0, e.g. with a single actor). The
index ``Σ w_k h_k`` is in [0, 1]. Definitions and the outcome labels built on it:
``docs/model.md``, "Outcome labels and the hostility index".

The flow losses come from the engine's :class:`~sim.engine.projection.Projector`
(one vectorised projection over the horizon per run), so the index follows whatever
economics the projector implements.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.engine.projection import Projector
from sim.engine.world import World


class HostilityIndex:
    """Weights fixed at the start state of one run; :meth:`of` scores any set of instrument values."""

    def __init__(self, world: World, projector: Projector) -> None:
        specs = world.specs
        self.refs = list(specs)
        self.owner = {r: r.split(".", 1)[0] for r in self.refs}
        self.low = {r: float(specs[r].min) for r in self.refs}
        self.span = {r: float(specs[r].max) - float(specs[r].min) for r in self.refs}
        self.up = {r: specs[r].hostile == "up" for r in self.refs}
        self.flow_loss = self._flow_losses(world, projector)
        self.weights = self._normalise(self.flow_loss)

    # ------------------------------------------------------------ parts
    def ends(self, ref: str) -> tuple[float, float]:
        """(friendly end, hostile end) of an instrument's range."""
        lo, hi = self.low[ref], self.low[ref] + self.span[ref]
        return (lo, hi) if self.up[ref] else (hi, lo)

    def position(self, ref: str, value: float) -> float:
        """``h_k``: where ``value`` stands between the friendly (0) and the hostile (1) end."""
        span = self.span[ref]
        if span <= 0.0:
            return 0.0
        h = (value - self.low[ref]) / span
        return h if self.up[ref] else 1.0 - h

    def _flow_losses(self, world: World, projector: Projector) -> dict[str, float]:
        """Each instrument's full-range flow loss to the other side, from one projection of 2n packages.

        Package 2k has instrument k at its friendly end, package 2k + 1 at its hostile
        end; every other instrument keeps its current (start) value in both.
        """
        movable = [r for r in self.refs if self.span[r] > 0.0]
        out = {r: 0.0 for r in self.refs}
        if not movable:
            return out
        n = len(movable)
        overrides: dict[str, np.ndarray] = {}
        for k, ref in enumerate(movable):
            col = np.full(2 * n, float(world.values[ref]))
            col[2 * k], col[2 * k + 1] = self.ends(ref)
            overrides[ref] = col
        horizon = float(world.sc.meta.horizon_days)
        totals = projector.project(horizon, overrides, (), discount=False)
        for k, ref in enumerate(movable):
            loss = 0.0
            for actor, total in totals.items():
                if actor != self.owner[ref]:
                    col = np.broadcast_to(np.asarray(total, dtype=float), (2 * n,))
                    loss += float(col[2 * k + 1] - col[2 * k]) / horizon
            out[ref] = max(loss, 0.0)
        return out

    def _normalise(self, losses: dict[str, float]) -> dict[str, float]:
        total = sum(losses.values())
        if total > 0.0:
            return {r: x / total for r, x in losses.items()}
        movable = [r for r in self.refs if self.span[r] > 0.0]
        return {r: (1.0 / len(movable) if r in movable else 0.0) for r in self.refs}

    # ------------------------------------------------------------ index
    def of(self, values: Mapping[str, float]) -> float:
        """The index of a set of instrument values (``ACTOR.name`` -> level), in [0, 1]."""
        return sum(w * self.position(r, values[r]) for r, w in self.weights.items() if w)
