"""Private initial stocks: the public belief over I0 and projections by type (MODEL §6).

The scenario is ``base_dict()`` with China's controls at the top tier (every unit of its
share licensed) and approval 0: the consumer's inflow is the other suppliers' share
``1 − s = 0.2`` and its stock falls at ``1 − inflow = 0.8`` days of demand per day, with
no licence ever approved, so ``D(t) = 0.8·t`` until the stockout at ``I0 / 0.8``.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.engine.compile import load_scenario, scenario_from_dict
from sim.engine.core import Engine
from sim.engine.events import EventKind
from sim.engine.stocks import StockBeliefs, stock_set
from sim.errors import ScenarioError

from ..conftest import base_dict

LO, HI = 10.0, 40.0  # the prior's support
I0 = 25.0  # the drawn (true) initial stock
S = 0.8  # China's supplier share in base_dict()
RATE = 1.0 - (1.0 - S)  # drawdown rate 1 − inflow, inflow = 1 − s with all of China's share withheld
PATH = "chokepoints.magnets.initial_stock_days"


def private_dict(stock: object = None) -> dict:
    d = base_dict()
    d["actors"]["CN"]["instruments"]["controls"]["initial"] = 2
    cp = d["chokepoints"]["magnets"]
    cp["initial_stock_days"] = {"dist": "uniform", "low": LO, "high": HI} if stock is None else stock
    cp["private_stock"] = True
    return d


def engine(d: dict | None = None, i0: float = I0) -> Engine:
    sc = scenario_from_dict(private_dict() if d is None else d)
    params = {PATH: i0} if any(p == PATH for p, _ in sc.uncertain) else {}
    return Engine(sc, params, list(np.random.SeedSequence(3).spawn(3)), record_series=False)


def run_to(e: Engine, t: float) -> None:
    if t > 0.0:
        e.env.run(until=t)
    e.prepare()


def test_inflow_is_the_other_suppliers_share():
    """The set-up the closed forms rely on: inflow 1 − s, so the drawdown rate is s (MODEL §6)."""
    e = engine()
    assert e.world.chokes[0].inflow == pytest.approx(1.0 - S, abs=1e-15)
    assert StockBeliefs(e.sc, e.params, e.world).private() == ["magnets"]


@pytest.mark.parametrize("t", [0.0, 5.0, 12.5, 20.0, 31.0])
def test_no_stockout_truncates_the_prior_at_the_drawdown(t):
    """No stockout seen by t: I0 ≥ (d − inflow)·t, the belief is [max(lo, (1 − inflow)·t), hi] (MODEL §6)."""
    e = engine()
    beliefs = StockBeliefs(e.sc, e.params, e.world)
    run_to(e, t)
    assert e.world.t == t and e.world.chokes[0].stock > 0.0
    lo, hi = beliefs.bounds("magnets")
    assert lo == pytest.approx(max(LO, RATE * t), abs=1e-12)
    assert hi == HI
    assert beliefs.drawdown("magnets") == pytest.approx(RATE * t, abs=1e-12)


@pytest.mark.parametrize("t", [I0 / RATE, 40.0, 100.0])
def test_a_stockout_reveals_the_initial_stock(t):
    """Stockouts are public signals: from the stockout on, the belief is the point I0 = D(t_stockout) (MODEL §6)."""
    e = engine()
    beliefs = StockBeliefs(e.sc, e.params, e.world)
    run_to(e, t)
    assert e.world.chokes[0].stock == 0.0
    assert beliefs.bounds("magnets") == (I0, I0)
    assert beliefs.types("magnets", 7) == [(1.0, 0.0)]


def test_the_revealed_stock_stays_known_after_a_refill():
    """Once revealed by a stockout, I0 stays known when approved licences refill the stock (MODEL §6)."""
    e = engine()
    beliefs = StockBeliefs(e.sc, e.params, e.world)
    run_to(e, 40.0)
    e.move("CN", "approval", 1.0, EventKind.MOVE)
    run_to(e, 100.0)
    stock = e.world.chokes[0].stock
    assert stock > 0.0  # refilled: licences approved, one mean delay (30 days) after filing
    assert beliefs.bounds("magnets") == (I0, I0)
    assert beliefs.types("magnets") == [(1.0, stock)]


@pytest.mark.parametrize(("t", "k"), [(0.0, 5), (20.0, 5), (20.0, 1), (30.0, 8)])
def test_types_are_equal_bins_of_the_belief_shifted_by_the_drawdown(t, k):
    """k equally likely types: I0_k the midpoints of k equal bins of U[lo, hi], stock now I0_k − D(t) (MODEL §6)."""
    e = engine()
    beliefs = StockBeliefs(e.sc, e.params, e.world)
    run_to(e, t)
    types = beliefs.types("magnets", k)
    lo, hi = max(LO, RATE * t), HI  # the closed-form belief
    d = RATE * t
    assert len(types) == k
    assert math.fsum(p for p, _ in types) == pytest.approx(1.0, abs=1e-15)
    for j, (p, stock) in enumerate(types):
        assert p == pytest.approx(1.0 / k, abs=1e-15)
        assert stock == pytest.approx(lo + (j + 0.5) * (hi - lo) / k - d, abs=1e-12)
        assert stock + beliefs.drawdown("magnets") == pytest.approx(lo + (j + 0.5) * (hi - lo) / k, abs=1e-12)
        assert stock >= 0.0
    # the types' mean is the belief's mean stock, (lo + hi)/2 − D(t)
    assert sum(p * s for p, s in types) == pytest.approx((lo + hi) / 2 - d, abs=1e-12)
    # the true stock lies in one of the bins
    true = e.world.chokes[0].stock
    width = (hi - lo) / k
    assert any(abs(s - true) <= width / 2 + 1e-12 for _, s in types)


def test_a_known_stock_is_a_point_belief_and_one_type():
    """A number for initial_stock_days: known to all, so the belief is that point from the start (MODEL §6)."""
    e = engine(private_dict(stock=30.0))
    beliefs = StockBeliefs(e.sc, e.params, e.world)
    run_to(e, 10.0)
    assert beliefs.bounds("magnets") == (30.0, 30.0)
    ((p, stock),) = beliefs.types("magnets")
    assert p == 1.0 and stock == pytest.approx(30.0 - RATE * 10.0, abs=1e-12)


def test_only_private_chokepoints_have_beliefs():
    d = private_dict()
    d["chokepoints"]["magnets"]["private_stock"] = False
    e = engine(d)
    beliefs = StockBeliefs(e.sc, e.params, e.world)
    assert beliefs.private() == []
    with pytest.raises(KeyError, match="no private stock"):
        beliefs.bounds("magnets")
    with pytest.raises(ValueError, match="at least 1"):
        StockBeliefs(engine().sc, {PATH: I0}, engine().world).types("magnets", 0)


def state(e: Engine) -> dict:
    return copy.deepcopy({"t": e.world.t, "chokes": [dataclasses.asdict(c) for c in e.world.chokes]})


def test_stock_set_restores_the_world_exactly():
    """A projection after ``stock_set`` is bit-identical to one before; inside it follows the set stock."""
    e = engine()
    run_to(e, 12.0)
    before_state = state(e)
    before = e.projector.project(90.0)
    types = StockBeliefs(e.sc, e.params, e.world).types("magnets")
    inside = []
    for _, stock in types:
        with stock_set(e.world, "magnets", stock):
            assert e.world.chokes[0].stock == stock
            inside.append(float(e.projector.project(90.0)["US"]))
    after = e.projector.project(90.0)
    assert after == before  # bit-identical
    assert state(e) == before_state
    # more stock, less shortage: the consumer's projected loss falls with its stock type
    assert all(a > b for a, b in itertools.pairwise(inside))
    # an exception inside still restores, and advancing inside is refused
    with pytest.raises(ZeroDivisionError), stock_set(e.world, "magnets", 0.0):
        _ = 1 / 0
    assert state(e) == before_state
    with pytest.raises(RuntimeError, match="advanced"), stock_set(e.world, "magnets", 3.0):
        e.world.advance(13.0)
    with pytest.raises(ValueError, match="finite"), stock_set(e.world, "magnets", -1.0):
        pass


# ------------------------------------------------------------------ schema
def problems(tmp_path: Path, stock: object) -> list[str]:
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(private_dict(stock), sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(p)
    return [str(x) for x in exc.value.problems]


@pytest.mark.parametrize(
    ("stock", "name"),
    [
        ({"dist": "lognormal", "median": 20.0, "sigma": 0.5}, "lognormal"),
        ({"dist": "exponential", "mean": 20.0}, "exponential"),
    ],
)
def test_private_stock_needs_a_bounded_prior(tmp_path, stock, name):
    """The prior over a private I0 is uniform on the support of initial_stock_days: it must be bounded (MODEL §6)."""
    (msg,) = problems(tmp_path, stock)
    text = (tmp_path / "s.yaml").read_text(encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.strip() == "magnets:")
    assert msg.startswith(f"{tmp_path / 's.yaml'}:{line}:")
    assert "chokepoints.magnets" in msg and "initial_stock_days" in msg and "bounded support" in msg
    assert f"found a {name} distribution" in msg


def test_bounded_priors_and_public_stocks_are_accepted():
    for stock in (
        20.0,
        {"dist": "uniform", "low": 5.0, "high": 9.0},
        {"dist": "triangular", "low": 1, "mode": 2, "high": 5},
    ):
        scenario_from_dict(private_dict(stock))
    d = private_dict({"dist": "lognormal", "median": 20.0, "sigma": 0.5})
    d["chokepoints"]["magnets"]["private_stock"] = False
    assert not scenario_from_dict(d).chokepoints["magnets"].private_stock
