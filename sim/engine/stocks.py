"""Public beliefs over each private-stock chokepoint's initial stock (MODEL §6).

A chokepoint with ``private_stock`` has an initial stock ``I0`` (days of demand) drawn once
per run; the other side knows only its prior, uniform on the support of
``initial_stock_days`` (a number: known to all). Inflows are public, so the public knows
the drawdown since the start, ``D(t) = I0 − I(t)`` (``(1 − inflow)·t`` while the inflow is
constant). What it sees truncates the belief:

- no stockout by ``t``: ``I0 ≥ D(t)``, the belief is ``[max(lo, D(t)), hi]``;
- a stockout (a public signal): ``I0 = D(t_stockout)``, a point — the true ``I0``.

The belief is computed from the world's state each time it is read (no engine hook): the
world's stock is as of its last :meth:`~sim.engine.world.World.advance`, so read it after
the engine has brought the world to now. A chokepoint has run out once its stock has been
empty (``stock ≤ 0`` now, or days spent in shortage).

:func:`stock_set` sets a chokepoint's stock for a projection (the disagreement point by
type of the consumer's stock) and restores it afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

from sim.engine.world import Choke, World
from sim.scenario.schema import Scenario


def _choke(world: World, name: str) -> Choke:
    for ch in world.chokes:
        if ch.name == name:
            return ch
    raise KeyError(f"no chokepoint {name!r}; the world's chokepoints: {', '.join(c.name for c in world.chokes)}")


class StockBeliefs:
    """The public belief over each private-stock chokepoint's initial stock I0, updated by what is public."""

    def __init__(self, sc: Scenario, params: dict[str, float], world: World) -> None:
        self.sc = sc
        self.params = params
        self.world = world
        self.prior: dict[str, tuple[float, float]] = {}
        self._chokes: dict[str, Choke] = {}
        for name, cp in sc.chokepoints.items():
            if not cp.private_stock:
                continue
            x = cp.initial_stock_days
            if isinstance(x, (int, float)):
                lo = hi = float(x)
            else:
                low, high = getattr(x, "low", None), getattr(x, "high", None)
                # uniform and triangular laws carry their support; others ask their (slower) frozen law
                lo, hi = (float(low), float(high)) if low is not None and high is not None else x.bounds()
                lo = max(lo, 0.0)  # a stock is never negative (draws are clipped into the field's range)
            if not (math.isfinite(lo) and math.isfinite(hi)):  # the schema rejects these
                raise ValueError(f"chokepoints.{name}.initial_stock_days: the prior needs a bounded support")
            self.prior[name] = (lo, hi)
            self._chokes[name] = _choke(world, name)

    def private(self) -> list[str]:
        """Names of the private-stock chokepoints (scenario order)."""
        return list(self.prior)

    def _get(self, name: str) -> Choke:
        ch = self._chokes.get(name)
        if ch is None:
            raise KeyError(f"chokepoint {name!r} has no private stock; private: {', '.join(self.prior) or 'none'}")
        return ch

    @staticmethod
    def ran_out(ch: Choke) -> bool:
        """Whether the chokepoint's stock has been empty (a public signal)."""
        return ch.stock <= 0.0 or ch.shortage_days > 0.0

    def drawdown(self, name: str) -> float:
        """``D(t) = I0 − I(t)``: the net drawdown since the start (days of demand), public since inflows are."""
        ch = self._get(name)
        return ch.stock0 - ch.stock

    def bounds(self, name: str) -> tuple[float, float]:
        """The current belief ``[lo, hi]`` over ``I0`` (days of demand); a point once a stockout was seen."""
        ch = self._get(name)
        if self.ran_out(ch):
            return ch.stock0, ch.stock0
        lo, hi = self.prior[name]
        return min(max(lo, ch.stock0 - ch.stock), hi), hi

    def types(self, name: str, k: int = 5) -> list[tuple[float, float]]:
        """``k`` equally likely types of the current stock: ``(1/k, I0_k − D(t))``, ``I0_k`` the midpoints of
        ``k`` equal bins of the belief ``U[lo, hi]``; a point belief gives one type, ``(1.0, the true stock)``."""
        if k < 1:
            raise ValueError(f"the number of types must be at least 1, got {k}")
        ch = self._get(name)
        lo, hi = self.bounds(name)
        if hi <= lo:
            return [(1.0, ch.stock)]
        d = ch.stock0 - ch.stock
        width = (hi - lo) / k
        return [(1.0 / k, lo + (j + 0.5) * width - d) for j in range(k)]


@contextmanager
def stock_set(world: World, name: str, stock: float) -> Iterator[None]:
    """Set chokepoint ``name``'s stock to ``stock`` (days of demand) for the duration of the block.

    For projections of the disagreement point by type: :class:`~sim.engine.projection.Projector`
    reads the stock itself (its only cache, of inflows, is keyed on the control tier and the
    alternative share, not the stock), so setting and restoring ``Choke.stock`` is all it takes.
    The world must not be advanced or refreshed inside the block (its rates and books would
    follow the temporary stock); advancing raises on exit.
    """
    if not (math.isfinite(stock) and stock >= 0.0):
        raise ValueError(f"a stock must be a finite number of days >= 0, got {stock}")
    ch = _choke(world, name)
    saved, t = ch.stock, world.t
    ch.stock = stock
    try:
        yield
    finally:
        ch.stock = saved
    if world.t != t:
        raise RuntimeError(f"the world was advanced from day {t} to {world.t} while the stock of {name} was set")
