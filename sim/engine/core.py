"""The event-driven engine: one run of a scenario as a SimPy simulation.

There is no daily tick. Calendar moves, actor decision epochs, licence cohorts,
capacity updates and the weekly series grid are SimPy events; between two of
them all rates are constant, stocks move linearly, and the day a stock runs out
is computed in closed form and scheduled (a later change makes it stale and it
is discarded by a version check).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable

import numpy as np
import simpy

from sim.engine.actors import Actor, Observed
from sim.engine.events import EVENT_COLUMNS, Event, EventKind
from sim.engine.conflict import ConflictMixin
from sim.engine.negotiation import transfer_key
from sim.policies import make_policy
from sim.engine.projection import Projector
from sim.scenario.schema import LicensingMove, Scenario, SetMove, Summit, ThreatMove
from sim.engine.world import COMPONENTS, WITHHELD, World, num



@dataclass
class RunResult:
    """Everything one run produced: a summary row, its events and its series."""

    run: int
    summary: dict[str, Any]
    events: list[Event] = field(default_factory=list)
    series: list[tuple] = field(default_factory=list)


def sample_params(sc: Scenario, rng: np.random.Generator) -> dict[str, float]:
    """Draw every uncertain parameter once, in file order."""
    return {path: d.sample(rng) for path, d in sc.uncertain}


def series_columns(sc: Scenario) -> list[str]:
    from sim.policies import REGISTRY

    cols = ["t"]
    cols += [f"{a}.{n}" for a, act in sc.actors.items() for n in act.instruments]
    cols += [f"stock_{k}" for k in sc.chokepoints]
    cols += [f"shortfall_{k}" for k in sc.chokepoints]
    cols += [f"loss_{a}" for a in sc.actors]
    for a, act in sc.actors.items():
        cols += REGISTRY[act.policy.name].series_fields(a, act.policy.params)
    return cols


class Engine(ConflictMixin):
    """Wires a World, its actors and the calendar into a SimPy environment."""

    def __init__(self, sc: Scenario, params: dict[str, float], seeds: list[np.random.SeedSequence],
                 run: int = 0, record_series: bool = True) -> None:
        s_summit, s_actors, s_lic = seeds
        self.sc = sc
        self.run_index = run
        self.params = params
        self.env = simpy.Environment()
        self.world = World(sc, params)
        self.projector = Projector(self.world)
        self.record_series = record_series
        self.events: list[Event] = []
        self.series: list[tuple] = []
        self.summit_rng = np.random.default_rng(s_summit)
        self.resolve = {a: num(act.resolve_bn, params) for a, act in sc.actors.items()}
        self.threats: list[ThreatMove] = list(sc.threats())  # calendar threats, then issued ones
        self.threat_status: dict[str, str] = {t.id: "scheduled" for t in self.threats}
        self.carried_out: dict[str, bool] = {t.id: False for t in self.threats}
        self.issued = {a: 0 for a in sc.actors}
        self.last_talks = -math.inf
        self.capitulated: str | None = None
        self.capitulation_day = math.nan
        self.deal_day: float | None = None
        self.deal_terms: dict[str, float] = {}
        self.first_terms: dict[str, float] = {}
        self.deal_prev: dict[str, float] = {}
        self.locked: set[str] = set()
        self.deal_spec: Any = None  # protocol settings of the deal in force
        self.deal_version = 0  # bumped when a deal ends early (defection)
        self.stockout_day = {c.name: math.nan for c in self.world.chokes}
        self._refs = list(self.world.values)
        self.cancelled: set[int] = set()  # calendar moves withdrawn by a concession
        self._calendar_changes = self._static_changes()

        actor_seeds = s_actors.spawn(len(sc.actors))
        self.actors: dict[str, Actor] = {}
        for (a, spec), ss in zip(sc.actors.items(), actor_seeds):
            policy = make_policy(spec.policy.name, a, spec.policy.params, np.random.default_rng(ss))
            noise_rng = np.random.default_rng(ss.spawn(1)[0]) if spec.noise > 0 else None
            self.actors[a] = Actor(self, a, policy, spec.review_days,
                                   max(0.0, num(spec.reaction_lag_days, params)), spec.pre_deadline_days,
                                   spec.noise, noise_rng)
        for ch, ss in zip(self.world.chokes, s_lic.spawn(len(self.world.chokes))):
            ch.due = math.inf
            self.env.process(self._licensing(ch, np.random.default_rng(ss)))
            if ch.ramp > 0:
                self.env.process(self._alternative(ch))
        self._schedule_calendar()
        self._rearm = [a for a in self.actors.values() if a.policy.rearm_on_change]
        self._series_policies = [a.policy for a in self.actors.values()
                                 if type(a.policy).series_fields(a.name, sc.actors[a.name].policy.params)]
        for a in self.actors.values():
            a.arm()
        if record_series:
            self.world.grid_hook = self.snapshot
            self.world.next_grid = 0.0
        self.reschedule()

    # --------------------------------------------------------------- helpers
    def param(self, x: Any) -> float:
        """A scenario number's value in this run."""
        return num(x, self.params)

    def at(self, day: float, fn: Callable[[], None]) -> None:
        ev = self.env.timeout(max(0.0, day - self.env.now))
        ev.callbacks.append(lambda _ev: fn())

    def log(self, kind: str, actor: str | None, instrument: str | None = None,
            old: float | None = None, new: float | None = None, note: str = "") -> None:
        self.events.append(Event(self.env.now, actor, EventKind(kind), instrument, old, new, note))

    def snapshot(self) -> None:
        if not self.record_series:
            return
        w = self.world
        row = [w.t]
        row += [w.values[r] for r in self._refs]
        row += [c.stock for c in w.chokes]
        row += [c.sigma for c in w.chokes]
        row += [-w.payoff(a) for a in w.actors]
        for a in self._series_policies:
            row += a.series_values()
        self.series.append(tuple(row))

    # -------------------------------------------------------------- calendar
    def _static_changes(self) -> list[tuple[float, str, float, int]]:
        out = []
        for i, m in enumerate(self.sc.calendar):
            if isinstance(m, SetMove):
                out.append((self.sc.day(m.date), f"{m.actor}.{m.instrument}", m.value, i))
            elif isinstance(m, LicensingMove):
                if m.approval is not None:
                    out.append((self.sc.day(m.date), f"{m.actor}.{m.approval_instrument}", m.approval, i))
                if m.delay_days is not None:
                    out.append((self.sc.day(m.date), f"{m.actor}.{m.delay_instrument}", m.delay_days, i))
        return sorted(out, key=lambda c: c[0])

    def scheduled(self, include_threats: bool) -> list[tuple[float, str, float]]:
        """Known future changes: calendar moves and, optionally, pending threats."""
        now = self.env.now
        out = [c[:3] for c in self._calendar_changes if c[0] > now and c[3] not in self.cancelled]
        if include_threats:
            for t in self.threats:
                if self.threat_status[t.id] in ("scheduled", "pending"):
                    ref, value = self.threat_target_value(t)
                    out.append((max(self.sc.day(t.deadline), now + 1e-9), ref, value))
            out.sort(key=lambda c: c[0])
        return out

    def _schedule_calendar(self) -> None:
        sc = self.sc
        for i, m in enumerate(sc.calendar):
            if isinstance(m, SetMove):
                self.at(sc.day(m.date), partial(self._calendar_set, i, m))
            elif isinstance(m, LicensingMove):
                self.at(sc.day(m.date), partial(self._licensing_move, m))
            elif isinstance(m, ThreatMove):
                self.at(sc.day(m.announced), partial(self._announce, m))
            elif isinstance(m, Summit):
                self.at(sc.day(m.date), partial(self.summit, m))

    def _calendar_set(self, index: int, m: SetMove) -> None:
        if index in self.cancelled:
            return
        self.move(m.actor, m.instrument, m.value, "calendar", m.note)

    def _licensing_move(self, m: LicensingMove) -> None:
        if m.approval is not None:
            self.move(m.actor, m.approval_instrument, m.approval, "licensing", m.note)
        if m.delay_days is not None:
            self.move(m.actor, m.delay_instrument, m.delay_days, "licensing", m.note)

    # ----------------------------------------------------------------- moves
    def move(self, actor: str, instrument: str, value: float, kind: str, note: str = "",
             react: bool = True) -> bool:
        """Set an instrument now; record it; let the other actors react."""
        ref = f"{actor}.{instrument}"
        if ref in self.locked and kind not in ("deal", "expiry"):
            self.log("superseded", actor, instrument, self.world.values[ref], value,
                     f"{kind} move held back by the deal in force")
            return False
        w = self.world
        w.advance(self.env.now)
        old = w.values[ref]
        new = w.set(ref, value)
        if new == old:
            return False
        w.refresh()
        self.reschedule()
        self.log(kind, actor, instrument, old, new, note)
        self.snapshot()
        if react:
            obs = Observed(self.env.now, actor, instrument, old, new)
            for other, a in self.actors.items():
                if other != actor:
                    a.notice(obs)
        return True

    # ----------------------------------------------------------- chokepoints
    def reschedule(self) -> None:
        """(Re)schedule each chokepoint's stockout in closed form: I / (d − inflow),
        and the epochs of policies that watch their own accumulated loss."""
        now = self.env.now
        self.world.advance(now)  # stock crossings are computed from the stock as of now
        for a in self._rearm:
            a.arm()
        for ch in self.world.chokes:
            if ch.stock > 0.0 and ch.inflow < 1.0:
                due = now + ch.stock / (1.0 - ch.inflow)
            else:
                due = math.inf
            if due != ch.due:
                ch.version += 1
                ch.due = due
                if due < math.inf:
                    ev = self.env.timeout(due - now)
                    ev.callbacks.append(partial(self._stockout, ch, ch.version))

    def _stockout(self, ch: Any, version: int, _ev: Any) -> None:
        if version != ch.version:
            return  # stale: a later change moved the crossing
        w = self.world
        w.advance(self.env.now)
        ch.stock = 0.0
        ch.due = math.inf
        w.refresh()
        if math.isnan(self.stockout_day[ch.name]):
            self.stockout_day[ch.name] = self.env.now
        self.log("stockout", ch.consumer, ch.name, None, 1.0 - ch.inflow, "shortfall share")
        self.snapshot()

    def _licensing(self, ch: Any, rng: np.random.Generator):
        """Applications filed in cohorts; each waits a gamma delay, is approved with p."""
        env = self.env
        w = self.world
        while True:
            yield env.timeout(ch.cohort_days)
            volume = ch.licensed * ch.cohort_days
            if volume <= 1e-12:
                continue
            p = w.values[ch.approval]
            mean = w.values[ch.delay]
            delay = float(rng.gamma(ch.delay_shape, mean / ch.delay_shape)) if mean > 0 else 0.0
            approved = bool(rng.random() < p)
            entry = (env.now + delay, volume, p)
            ch.pipeline.append(entry)
            ev = env.timeout(delay)
            ev.callbacks.append(partial(self._decided, ch, entry, approved))

    def _decided(self, ch: Any, entry: tuple, approved: bool, _ev: Any) -> None:
        ch.pipeline.remove(entry)
        volume = entry[1]
        if approved:
            w = self.world
            w.advance(self.env.now)
            was_empty = ch.stock <= 0.0
            ch.stock += volume
            if was_empty:  # a shortage ends: rates change; otherwise only the stockout moves
                w.refresh()
            self.reschedule()
        else:  # a lump loss needs no integration first
            self.world.lump(ch.supplier, WITHHELD, volume * ch.revenue_per_unit, self.env.now)
            if self._rearm:
                self.reschedule()
        self.log("licence_decided", ch.supplier, ch.name, None, volume,
                 "approved" if approved else "denied")

    def _alternative(self, ch: Any):
        """Alternative supply ramps up; time in shortage speeds it (diversification)."""
        env = self.env
        w = self.world
        cap = min(ch.max_share, ch.s)
        while True:
            yield env.timeout(ch.alt_review)
            w.advance(env.now)
            frac = ch.shortage_since_review / ch.alt_review
            ch.x = min(cap, ch.x + ch.ramp * ch.alt_review * (1.0 + ch.accel * frac))
            ch.xb = min(cap, ch.xb + ch.ramp * ch.alt_review)
            ch.shortage_since_review = 0.0
            w.refresh()
            self.reschedule()

    # ------------------------------------------------------------------- run
    def run(self) -> RunResult:
        horizon = self.sc.meta.horizon_days
        self.env.run(until=horizon)
        self.world.advance(horizon)
        self.snapshot()
        return RunResult(self.run_index, self.summarise(), self.events, self.series)

    def outcome(self) -> str:
        if self.deal_day is not None:
            return "deal"
        if self.capitulated is not None:
            return f"capitulation_{self.capitulated}"
        if any(self.carried_out.values()) or self.world.hostility_index() > 0:
            return "escalation"
        return "stalemate"

    def summarise(self) -> dict[str, Any]:
        w = self.world
        row: dict[str, Any] = {"run": self.run_index, "outcome": self.outcome(),
                               "deal_day": math.nan if self.deal_day is None else self.deal_day,
                               "capitulation_day": self.capitulation_day}
        for a in w.actors:
            row[f"payoff_{a}"] = w.payoff(a)
        for a in w.actors:
            for i, comp in enumerate(COMPONENTS):
                row[f"loss_{comp}_{a}"] = w.losses[a][i]
        for t in self.sc.threats():
            row[f"threat_{t.id}_carried_out"] = self.carried_out[t.id]
        for a in self.sc.actors:
            row[f"threats_issued_{a}"] = self.issued[a]
        for c in w.chokes:
            row[f"shortage_days_{c.name}"] = c.shortage_days
            row[f"shortfall_{c.name}"] = c.shortfall
            row[f"stockout_day_{c.name}"] = self.stockout_day[c.name]
        if self.sc.deal_space is not None:
            keys = [f"{i.actor}.{i.instrument}" for i in self.sc.deal_space.items]
            keys += [transfer_key(t.payer, t.payee) for t in self.sc.deal_space.transfers]
            for ref in keys:
                row[f"deal_{ref}"] = self.first_terms.get(ref, math.nan)
        for ref, v in w.peak.items():
            row[f"peak_{ref}"] = v
        row["n_events"] = len(self.events)
        row.update(self.params)
        return row


def run_replication(sc: Scenario, root_seed: int, run: int, record_series: bool = True,
                    spawn_key: tuple[int, ...] | None = None) -> RunResult:
    """One run: its seed is ``SeedSequence(root_seed, spawn_key=(run,))``.

    Sweeps pass ``spawn_key=(point, replication)`` instead.

    The run's parameters, summits, actors and licensing each draw from their
    own child stream, so results depend only on (scenario, root seed, run).
    """
    ss = np.random.SeedSequence(root_seed, spawn_key=spawn_key if spawn_key is not None else (run,))
    s_params, s_summit, s_actors, s_lic = ss.spawn(4)
    params = sample_params(sc, np.random.default_rng(s_params))
    engine = Engine(sc, params, [s_summit, s_actors, s_lic], run, record_series)
    result = engine.run()
    result.summary["seed"] = root_seed
    return result
