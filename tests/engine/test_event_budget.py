"""The event budget stops a run that never moves the clock, and names who looped."""

from __future__ import annotations

import pytest

from sim.engine.budget import BUDGET_BASE, BUDGET_PER_DAY, EventBudgetExceeded, event_budget, run_with_budget
from sim.engine.compile import build
from sim.engine.core import run_replication
from sim.policies.base import REGISTRY, Policy
from sim.scenario.yamlio import Located
from tests.conftest import base_dict

RUNAWAY = "test_runaway_wake_now"


class RunawayWake(Policy):
    """Test-only: asks for a decision epoch at the current instant, forever."""

    name = RUNAWAY
    summary = "test only: wakes at now forever"
    rearm_on_change = False

    def wake_at(self, view):
        return view.t

    def on_wake(self, view):
        return False


@pytest.fixture
def runaway_policy():
    REGISTRY.register(RunawayWake)
    yield RUNAWAY
    REGISTRY._entries.pop(RUNAWAY, None)


def _runaway_scenario(policy: str, horizon: float = 100.0):
    data = base_dict()
    data["meta"]["horizon_days"] = horizon
    data["actors"]["CN"]["policy"] = {"name": policy}
    return build(data, Located(data, "<test>", {}), {})


def test_budget_scales_with_the_horizon():
    assert event_budget(0) == BUDGET_BASE
    assert event_budget(365) == BUDGET_BASE + 365 * BUDGET_PER_DAY
    assert event_budget(3650) > event_budget(365)


def test_a_runaway_run_is_stopped_with_the_day_and_the_culprit(runaway_policy):
    sc = _runaway_scenario(runaway_policy)
    with pytest.raises(EventBudgetExceeded) as info:
        run_replication(sc, 1, 0)
    exc = info.value
    assert exc.budget == event_budget(100.0)
    assert exc.day == 0.0  # the loop never leaves day 0
    assert "of CN" in exc.culprit and RUNAWAY in exc.culprit, exc.culprit
    assert "day 0" in str(exc)


def test_budget_error_pickles():
    import pickle

    exc = pickle.loads(pickle.dumps(EventBudgetExceeded(10, 3.5, "process x")))
    assert (exc.budget, exc.day, exc.culprit) == (10, 3.5, "process x")


def test_budget_loop_matches_simpy_run():
    """Same events, same end time, as ``env.run(until=...)`` when the budget is not hit."""
    import simpy

    def ticks(env, log):
        while True:
            yield env.timeout(0.7)
            log.append(env.now)

    a, b = simpy.Environment(), simpy.Environment()
    la, lb = [], []
    a.process(ticks(a, la))
    b.process(ticks(b, lb))
    a.run(until=50)
    run_with_budget(b, 50, 10_000)
    assert la == lb and a.now == b.now == 50


def test_budget_too_small_raises_at_the_day():
    import simpy

    def ticks(env):
        while True:
            yield env.timeout(1.0)

    env = simpy.Environment()
    env.process(ticks(env))
    with pytest.raises(EventBudgetExceeded) as info:
        run_with_budget(env, 1000, 20)
    assert 15 <= info.value.day <= 20
    assert "ticks" in info.value.culprit
