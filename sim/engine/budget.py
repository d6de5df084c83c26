"""The event budget: a run that processes too many events is stopped, not waited for.

A scenario that validates can still describe a loop that never advances the clock
(a policy asking for a wake-up at the current instant forever, a reaction that
provokes a reaction at the same day). Such a run would hang its worker. Every run
therefore processes at most :func:`event_budget` SimPy events; past it, the run
raises :class:`EventBudgetExceeded`, naming the day and the process that used the
events, and the experiment records the run as failed (a sweep goes on; a Monte
Carlo stops with the reason, see :mod:`sim.experiments.chunk`).

The budget is counted by the loop that steps the environment
(:func:`run_with_budget`), which replaces SimPy's own ``while True: step()`` with
``for _ in range(budget): step()``: no work is added per event.
"""

from __future__ import annotations

import collections
from typing import Any

import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import URGENT, Event

#: Events every run may use whatever its horizon (set-up, the first epochs). A chosen
#: limit: the shipped scenarios schedule at most ~570 events in a whole run (200 seeds
#: each, with the policy variants of ``benchmarks/bench_run.py``; docs/limits.md),
#: so this alone is a margin of about 90x over a full run.
BUDGET_BASE = 50_000
#: Events per simulated day on top of :data:`BUDGET_BASE`. A chosen limit: the shipped
#: scenarios schedule at most 1.6 events per simulated day over their horizon (same
#: measurement), so 2,000 per day is a margin of more than 1,000x, which leaves room for
#: scenarios with reviews or licence cohorts many times a day; a 10-year horizon gets
#: ~7.3 million events, a minute or so of a runaway loop before it is stopped.
BUDGET_PER_DAY = 2_000
#: Events stepped after the budget is spent to see which process is using them.
DIAGNOSE_EVENTS = 2_000


class EventBudgetExceeded(RuntimeError):
    """A run used more events than its budget (a loop that does not advance the clock)."""

    def __init__(self, budget: int, day: float, culprit: str) -> None:
        super().__init__(
            f"event budget of {budget:,} events exceeded at day {day:g}: {culprit} "
            f"(a loop that does not move the clock; see docs/limits.md)"
        )
        self.budget, self.day, self.culprit = budget, day, culprit

    def __reduce__(self) -> tuple[Any, ...]:  # crosses process boundaries intact
        return (EventBudgetExceeded, (self.budget, self.day, self.culprit))


def event_budget(horizon_days: float) -> int:
    """Events a run of ``horizon_days`` may process: ``BASE + PER_DAY * horizon``."""
    return BUDGET_BASE + int(BUDGET_PER_DAY * max(0.0, horizon_days))


def run_with_budget(env: simpy.Environment, until: float, budget: int) -> None:
    """``env.run(until=until)``, stopping after ``budget`` events with :class:`EventBudgetExceeded`."""
    stop = Event(env)
    stop._ok = True
    stop._value = None
    env.schedule(stop, URGENT, until - env.now)
    stop.callbacks.append(StopSimulation.callback)  # type: ignore[union-attr]
    step = env.step
    try:
        for _ in range(budget):
            step()
    except (StopSimulation, EmptySchedule):
        return
    raise EventBudgetExceeded(budget, env.now, culprit(env))


def _owner(callback: Any) -> str:
    """A readable name for what an event wakes: a process's generator or a callback."""
    target = getattr(callback, "__self__", None)
    if isinstance(target, simpy.Process):
        gen = target._generator
        frame = getattr(gen, "gi_frame", None)
        who = frame.f_locals.get("self") if frame is not None else None
        name = getattr(gen, "__qualname__", repr(gen))
        return f"process {name}" + (f" of {who.name}" if hasattr(who, "name") else "")
    func = getattr(callback, "__func__", callback)
    name = getattr(func, "__qualname__", repr(func))
    owner = target
    for cell in getattr(func, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if hasattr(value, "name") and hasattr(value, "policy"):
            owner = value
            break
    label = f"callback {name.replace('.<locals>.<lambda>', '')}"
    if owner is not None and hasattr(owner, "name"):
        label += f" of {owner.name}"
        policy = getattr(owner, "policy", None)
        if policy is not None and getattr(policy, "name", ""):
            label += f" (policy {policy.name})"
    return label


def culprit(env: simpy.Environment, events: int = DIAGNOSE_EVENTS) -> str:
    """Step ``events`` more events and name the process or callback that woke most often."""
    seen: collections.Counter[str] = collections.Counter()
    queue = env._queue
    for _ in range(events):
        if not queue:
            break
        event = queue[0][3]
        for cb in event.callbacks or ():
            seen[_owner(cb)] += 1
        try:
            env.step()
        except (StopSimulation, EmptySchedule):
            break
        except Exception:  # the diagnosis must not hide the budget error
            break
    if not seen:
        return "no process identified"
    name, n = seen.most_common(1)[0]
    return f"{name} woke {n} times in the next {sum(seen.values())} wake-ups"
