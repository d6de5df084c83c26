"""The event-driven engine: one run of a scenario as a SimPy simulation.

There is no daily tick. Calendar moves, actor decision epochs, licence cohorts,
capacity updates and the weekly series grid are SimPy events; between two of
them all rates are constant, stocks move linearly, and the day a stock runs out
is computed in closed form and scheduled (a later change makes it stale and it
is discarded by a version check).

The engine only wires its components together and owns the one rule they share,
:meth:`Engine.move`: the clock and log (:mod:`~sim.engine.scheduler`), the calendar
(:mod:`~sim.engine.calendar`), the chokepoints (:mod:`~sim.engine.chokepoints`), the
threat book (:mod:`~sim.engine.threats`), the deal book (:mod:`~sim.engine.deals`)
and the actors (:mod:`~sim.engine.actors`) with their views (:mod:`~sim.engine.view`).
"""

from __future__ import annotations

import gc
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.engine.actors import Actor, Observed, Timing
from sim.engine.budget import event_budget, run_with_budget
from sim.engine.calendar import Calendar, Change
from sim.engine.calibration import calibrated_keys, run_weights
from sim.engine.chokepoints import Chokepoints
from sim.engine.deals import DealBook, Table
from sim.engine.events import Event, EventKind
from sim.engine.hostility import HostilityIndex
from sim.engine.links import COMPONENTS
from sim.engine.outcome import Outcome
from sim.engine.precedence import Precedence
from sim.engine.projection import Projector
from sim.engine.reputation import Reputation
from sim.engine.restraint import below_reference, calibrated_instruments
from sim.engine.scheduler import Scheduler
from sim.engine.stocks import StockBeliefs
from sim.engine.threats import ThreatBook
from sim.engine.view import EngineView, Sources
from sim.engine.world import World, num
from sim.policies import Policy, make_policy
from sim.policies.view import View
from sim.scenario.plausibility import payoff_bound, plausible
from sim.scenario.schema import Scenario, ThreatMove


@dataclass
class RunResult:
    """Everything one run produced: a summary row, its events and its series."""

    run: int
    summary: dict[str, Any]
    events: list[Event] = field(default_factory=list)
    series: list[tuple[Any, ...]] = field(default_factory=list)


def sample_params(sc: Scenario, rng: np.random.Generator) -> dict[str, float]:
    """Draw every uncertain parameter once, in file order."""
    return {path: d.sample(rng) for path, d in sc.uncertain}


class Engine:
    """Wires a World, its components and its actors into a SimPy environment."""

    def __init__(
        self,
        sc: Scenario,
        params: dict[str, float],
        seeds: list[np.random.SeedSequence],
        run: int = 0,
        record_series: bool = True,
        weights: dict[str, float] | None = None,
    ) -> None:
        s_summit, s_actors, s_lic = seeds
        self.sc = sc
        self.run_index = run
        self.params = params
        # calibrated motive weights: recalibrated for this run's parameters (midpoints of intervals unless drawn)
        self.weights = run_weights(sc, params, None) if weights is None else weights
        self.world = world = World(sc, params, self.weights)
        self.calibrated = calibrated_instruments(sc)
        self.projector = Projector(world, memo=True)
        self.hostility = HostilityIndex(world, self.projector)  # weights fixed at the start state
        self.hostility_start = self.hostility.of(world.values)
        self.clock = Scheduler(world, record_series, self.hostility.of)
        self.env = self.clock.env
        self.outcome = Outcome()
        self.peak = dict(world.values)  # the most hostile level each instrument reached
        self.calendar = Calendar(sc, self.clock)
        self.reputation = Reputation(sc, params)
        self.stocks = StockBeliefs(sc, params, world)
        self.threats = ThreatBook(sc, params, world, self.clock, self.calendar, self.outcome, self.reputation)
        self.actors: dict[str, Actor] = {}
        self.deals = DealBook(
            Table(sc, self.projector, world, params, self.actors, self.scheduled, self.reputation, self.stocks),
            self.clock,
            self.threats,
            self.outcome,
            s_summit,
        )
        self.precedence = Precedence(sc.meta.calendar_yields_to, world, self.deals)
        self.threats.connect(self.move, self._post)
        self.deals.connect(self.move)
        watchers: list[Actor] = []
        self.chokepoints = Chokepoints(world, self.clock, watchers)
        sources = Sources(
            sc,
            params,
            self.clock,
            world,
            self.projector,
            self.scheduled,
            self.threats,
            self.deals,
            self._conceded,
            {a: num(act.resolve_bn, params) for a, act in sc.actors.items()},
            self.threat_stakes,
        )
        for (a, spec), ss in zip(sc.actors.items(), s_actors.spawn(len(sc.actors))):
            policy = make_policy(spec.policy.name, a, spec.policy.params, np.random.default_rng(ss))
            noise_rng = np.random.default_rng(ss.spawn(1)[0]) if spec.noise > 0 else None
            timing = Timing(
                spec.review_days,
                max(0.0, num(spec.reaction_lag_days, params)),
                spec.pre_deadline_days,
                spec.noise,
                noise_rng,
            )
            self.actors[a] = Actor(self, a, policy, EngineView(sources, a), timing, frozenset(spec.instruments))
        self.chokepoints.start(s_lic)
        self.calendar.start(self.move, self.threats.announce, self.deals.summit)
        watchers += [a for a in self.actors.values() if a.policy.rearm_on_change]
        for actor in self.actors.values():
            actor.arm()
        self.clock.watch(
            [
                a.policy
                for a in self.actors.values()
                if type(a.policy).series_fields(a.name, sc.actors[a.name].policy.params)
            ]
        )
        self.chokepoints.reschedule()

    # ------------------------------------------------------------- reading
    def param(self, x: Any) -> float:
        """A scenario number's value in this run."""
        return num(x, self.params)

    def scheduled(self, include_threats: bool) -> list[Change]:
        """Known future changes: calendar moves the engine will make and, optionally, pending threats.

        Calendar moves that a deal or a carried-out threat (or, with ``include_threats``,
        a pending one assumed carried out) will hold back are left out (:mod:`~sim.engine.precedence`).
        """
        pre = self.precedence
        threats = pre.threat_changes(self.threats.scheduled()) if include_threats else []
        out = pre.visible(self.calendar.scheduled(), threats)
        if threats:
            out = sorted(out + threats, key=lambda c: c[0])
        return out

    def _conceded(self, actor: str) -> bool:
        return self.actors[actor].conceded

    def _post(self, actor: str, message: tuple[str, Any]) -> None:
        self.actors[actor].inbox.put(message)

    # --------------------------------------------------------------- moves
    def move(
        self, actor: str, instrument: str, value: float, kind: EventKind, note: str = "", react: bool = True
    ) -> bool:
        """Set an instrument now; record it; let the other actors react."""
        ref = f"{actor}.{instrument}"
        w = self.world
        held_by = self.precedence.holds(ref, kind)
        if held_by is not None:
            self.clock.log(
                EventKind.SUPERSEDED, actor, instrument, w.values[ref], value, f"{kind} move held back by {held_by}"
            )
            return False
        now = self.env.now
        w.advance(now)
        old = w.values[ref]
        new = w.set(ref, value)
        self.precedence.record(ref, kind, old, new, note)
        if new == old:
            return False
        if w.hostility(ref, self.peak[ref], new) > 0:
            self.peak[ref] = new
        w.refresh()
        self.chokepoints.reschedule()
        self.clock.log(kind, actor, instrument, old, new, note)
        self.clock.snapshot()
        if react:
            obs = Observed(now, actor, instrument, old, new)
            for other, a in self.actors.items():
                if other != actor:
                    a.notice(obs)
        return True

    # ------------------------------------------- the stage actors act on
    def prepare(self) -> None:
        """Bring the world to now, so that a policy's view and projections start now."""
        self.world.advance(self.env.now)

    def epoch_done(self, policy: Policy) -> None:
        if self.clock.records(policy):
            self.world.advance(self.env.now)
            self.clock.snapshot()  # the policy's state (e.g. its belief) after this epoch

    def concede(self, actor: str, reason: str = "") -> None:
        """An actor gives in: meets pending threat conditions and steps back once on every
        instrument it holds above its reference level (never past it)."""
        me = self.actors[actor]
        self.clock.log(EventKind.CONCEDE, actor, None, None, None, reason or me.policy.name)
        self.threats.concede_all(actor)
        w = self.world
        for name in me.view.own_instruments:
            ref = f"{actor}.{name}"
            if w.hostility(ref, w.reference[ref], w.values[ref]) > 0:  # back toward the calm level, not beyond it
                self.move(actor, name, me.view.step(name, -1), EventKind.CONCESSION, "steps back")
        self.outcome.capitulate(actor, self.env.now)
        me.conceded = True

    def threat_stakes(self, t: ThreatMove) -> float:
        """``a*``: the issuer's extra loss over its horizon from carrying ``t`` out now, as the public reckons it."""
        ref, value = self.threats.target_value(t)
        h = float(self.sc.actors[t.actor].policy.params.get("horizon_days", 90.0))
        both = self.projector.project(h, {ref: np.array([self.world.values[ref], value])}, self.scheduled(False))
        x = np.broadcast_to(np.asarray(both[t.actor], dtype=float), (2,))
        return float(x[1] - x[0])

    def issue_threat(self, actor: str, template: Any) -> ThreatMove:
        return self.threats.issue(actor, template)

    def propose_talks(self, actor: str) -> bool:
        return self.deals.propose(actor)

    def defect(self, actor: str, instrument: str, value: float) -> None:
        self.deals.defect(actor, instrument, value)

    def enforce(self, actor: str) -> bool:
        return self.deals.enforce(actor)

    def threat_open(self, threat: ThreatMove) -> bool:
        return self.threats.is_open(threat)

    def meet_condition(self, threat: ThreatMove) -> None:
        self.threats.meet_condition(threat, under_pressure=True)

    def resolve_threat(self, threat: ThreatMove, policy: Policy, view: View) -> None:
        def carry_out(t: ThreatMove) -> bool:
            self.prepare()
            return policy.carry_out_threat(view, t)

        self.prepare()
        was = self.threats.status[threat.id]
        # a private type is revealed only by a policy that decides by the public stake
        private = (
            threat.audience_cost_bn is None and threat.actor in self.reputation.belief and policy.decides_by_stakes
        )
        live = was == "pending" and not self.threats.condition_met(threat)
        self.threats.resolve(threat, carry_out, self.threat_stakes(threat) if private and live else 0.0)
        if was == "pending" and self.threats.status[threat.id] != "pending":
            self.deals.after_deadline(threat)

    # ----------------------------------------------------------------- run
    def run(self) -> RunResult:
        horizon = self.sc.meta.horizon_days
        run_with_budget(self.env, horizon, event_budget(horizon))
        self.world.advance(horizon)
        self.clock.snapshot()
        return RunResult(self.run_index, self.summarise(), self.clock.events, self.clock.series)

    def summarise(self) -> dict[str, Any]:
        """One row of summary.parquet for this run."""
        w, out = self.world, self.outcome
        end = self.hostility.of(w.values)
        row: dict[str, Any] = {
            "run": self.run_index,
            "outcome": out.label(self.hostility_start, end),
            "deal_day": math.nan if out.deal_day is None else out.deal_day,
            "capitulation_day": out.capitulation_day,
            "deal_in_force_at_horizon": self.deals.in_force,
            "hostility_start": self.hostility_start,
            "hostility_end": end,
        }
        for a in w.actors:
            row[f"payoff_{a}"] = w.payoff(a)
        for a in w.actors:
            for i, comp in enumerate(COMPONENTS):
                row[f"loss_{comp}_{a}"] = w.losses[a][i]
        for t in self.sc.threats():
            row[f"threat_{t.id}_carried_out"] = self.threats.carried_out[t.id]
        for a in self.sc.actors:
            row[f"threats_issued_{a}"] = self.threats.issued[a]
        for c in w.chokes:
            row[f"shortage_days_{c.name}"] = c.shortage_days
            row[f"unmet_demand_days_{c.name}"] = c.unmet_demand_days
            row[f"stockout_day_{c.name}"] = self.chokepoints.stockout_day[c.name]
        if self.sc.deal_space is not None:
            row.update(out.deal_row(self.sc.deal_space, list(self.sc.actors)))
        for ref, v in self.peak.items():
            row[f"peak_{ref}"] = v
        below = below_reference(self.sc, self.clock.events, w.reference, self.calibrated)
        for a in self.sc.actors:
            row[f"below_reference_{a}"] = below[a]
        if self.deals.first is not None:
            row["first_summit_held"] = self.deals.first_held
            row["first_summit_day"] = self.sc.day(self.deals.first.date)
        row["n_events"] = len(self.clock.events)
        deals = sum(e.kind in ("deal", "deal_renewed") for e in self.clock.events)
        bound = payoff_bound(self.sc, self.params, self.threats.issued, deals, self.weights)  # docs/limits.md
        row["plausibility_bound_bn"] = bound
        row["plausible"] = plausible({a: row[f"payoff_{a}"] for a in w.actors}, bound)
        for k in calibrated_keys(self.sc):
            row[f"weight_{k}"] = self.weights.get(k, 0.0)  # missing weights count 0, as in World
        row.update(self.params)
        return row


def run_replication(
    sc: Scenario,
    root_seed: int,
    run: int,
    record_series: bool = True,
    spawn_key: tuple[int, ...] | None = None,
    refuse_first_deal: bool = False,
) -> RunResult:
    """One run: its seed is ``SeedSequence(root_seed, spawn_key=(run,))``.

    ``refuse_first_deal``: the counterfactual of individual rationality — the run's first
    agreement is refused (talks end without a deal then), everything else as drawn.

    Sweeps pass ``spawn_key=(point, replication)`` instead.

    The run's parameters, summits, actors and licensing each draw from their
    own child stream, so results depend only on (scenario, root seed, run).
    """
    ss = np.random.SeedSequence(root_seed, spawn_key=spawn_key if spawn_key is not None else (run,))
    s_params, s_summit, s_actors, s_lic = ss.spawn(4)
    rng = np.random.default_rng(s_params)
    params = sample_params(sc, rng)
    weights = run_weights(sc, params, rng)  # after the parameters: their draws are unchanged
    paused = gc.isenabled()  # a run allocates many short-lived objects and few cycles: collect between runs
    gc.disable()
    try:
        engine = Engine(sc, params, [s_summit, s_actors, s_lic], run, record_series, weights)
        engine.deals.refuse_next = refuse_first_deal
        result = engine.run()
    finally:
        if paused:
            gc.enable()
    result.summary["seed"] = root_seed
    return result
