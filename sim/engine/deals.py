"""The deal book: talks, the deal in force, its expiry, renewal and defection.

Talks open at summits (dated; each may not be held), right after a threat's
deadline is resolved (between issuer and target, if ``talks_after_deadlines``),
at the deal space's background rate ``talks_per_year`` (a Poisson process) and
when a policy calls them. Talks are a chance to agree, not a deal: the protocol
decides. Unscheduled talks use the protocol of the scenario's first summit
(``nash`` if it has none).

While a deal is in force its instruments are locked: only ``deal`` and
``expiry`` moves may change them (and calendar moves, if the scenario lets the
calendar win: :mod:`~sim.engine.precedence`). A deal ends at its duration (renewed by new
talks if the deal space says so, else every instrument snaps back), or early
when a side defects (the other side's concessions snap back at once).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from sim.bargaining.nash import nash_weight
from sim.engine.events import EventKind
from sim.engine.links import AUDIENCE, TRANSFER
from sim.engine.negotiation import Agreement, bargaining_settings, is_transfer, negotiate
from sim.engine.outcome import Outcome
from sim.engine.projection import Projector
from sim.engine.reputation import Reputation
from sim.engine.scheduler import Scheduler
from sim.engine.stocks import StockBeliefs
from sim.engine.threats import ThreatBook
from sim.engine.world import World, num
from sim.scenario.schema import Scenario, Summit, ThreatMove

#: A gain from breaking a deal below this ($bn over its remaining days; $1m) is no reason to break it.
ENFORCE_TOLERANCE_BN = 1e-3

Move = Callable[..., bool]  # the engine's move(actor, instrument, value, kind, note, react=...)


@dataclass(frozen=True)
class Table:
    """What bargaining reads (``sim.engine.negotiation.negotiate``): the scenario, the projector,
    the known future changes, the world, the run's numbers and the actors (to ask them)."""

    sc: Scenario
    projector: Projector
    world: World
    params: dict[str, float]
    actors: dict[str, Any]
    known: Callable[[bool], list[tuple[float, str, float]]]
    reputation: Reputation
    stocks: StockBeliefs

    def scheduled(self, include_threats: bool) -> list[tuple[float, str, float]]:
        return self.known(include_threats)

    def param(self, x: Any) -> float:
        return num(x, self.params)


def first_summit(sc: Scenario) -> Summit | None:
    """The scenario's earliest summit (file order among same-day ones), or ``None``."""
    summits = [m for m in sc.calendar if isinstance(m, Summit)]
    return min(summits, key=lambda m: m.date) if summits else None


class DealBook:
    """The deal in force (terms, what it replaced, locked instruments) and the talks that make one."""

    def __init__(
        self, table: Table, clock: Scheduler, threats: ThreatBook, outcome: Outcome, summit_seed: np.random.SeedSequence
    ) -> None:
        self.table = table
        self.clock = clock
        self.threats = threats
        self.outcome = outcome
        self.summit_rng = np.random.default_rng(summit_seed)
        self.terms: dict[str, float] = {}
        self.before: dict[str, float] = {}  # instrument values the deal replaced
        self.locked: set[str] = set()
        self.until = -float("inf")  # the day the deal in force expires (renewal aside)
        self.spec: Any = None  # protocol settings of the deal in force
        self.version = 0  # bumped when a deal ends early (defection)
        self.last_talks = -float("inf")
        self.refuse_next = False  # refuse the next agreement (individual-rationality counterfactual)
        self._enforced: tuple[Any, Any] = (None, None)  # the last self-enforcement projection and its instant
        self._w1: float | None = None  # the first party's bargaining weight (computed once)
        # each summit's day and chance of being held, for the chance of talks within a horizon
        self._summits = [
            (table.sc.day(m.date), table.param(m.probability_held)) for m in table.sc.calendar if isinstance(m, Summit)
        ]
        self.first = first_summit(table.sc)
        self.first_held: bool | None = None if self.first is None else False  # was the first summit held?
        ds = table.sc.deal_space
        self.rate = ds.talks_per_year if ds is not None else 0.0
        # background talks draw from a child of the summit stream: summit draws are the same at any rate,
        # and at rate 0 nothing is drawn
        self.talks_rng = np.random.default_rng(summit_seed.spawn(1)[0]) if self.rate > 0 else None
        # who proposes under `screening`: its own stream, keyed so that no other draw moves it
        self.offer_rng = np.random.default_rng(
            np.random.SeedSequence(summit_seed.entropy, spawn_key=(*summit_seed.spawn_key, 0x5C2E))
        )
        self._next_background()

    def connect(self, move: Move) -> None:
        self._move = move

    @property
    def in_force(self) -> bool:
        return bool(self.terms)

    def defection_cost(self) -> float:
        ds = self.table.sc.deal_space
        return self.table.param(ds.defection_cost_bn) if ds is not None else 0.0

    def _parties(self) -> list[str]:
        return list(self.table.sc.actors)  # exactly two: the scenario validator enforces it

    def _advance(self) -> None:
        self.table.world.advance(self.clock.now)

    # ------------------------------------------------------------ outlook
    def talks_probability(self, horizon: float) -> float:
        """P(talks open within ``horizon`` days from now): summits not yet held, threat deadlines
        (if talks follow them) and the background rate; 0 without a deal space."""
        sc = self.table.sc
        ds = sc.deal_space
        if ds is None:
            return 0.0
        now = self.clock.now
        end = now + horizon
        none = math.exp(-self.rate * horizon / 365.0)
        for day, held in self._summits:
            if now < day <= end:
                none *= 1.0 - held
        if ds.talks_after_deadlines and any(
            now < sc.day(t.deadline) <= end and self.threats.status[t.id] in ("scheduled", "pending")
            for t in self.threats.threats
        ):
            none = 0.0
        return 1.0 - none

    def weight(self, actor: str) -> float:
        """``actor``'s bargaining weight ``w_i`` (the deal space's weights, the first summit's settings)."""
        if self.table.sc.deal_space is None:
            return 0.5
        parties = self._parties()
        if self._w1 is None:  # the rates and the talks' settings are fixed for the run
            self._w1 = nash_weight(bargaining_settings(self.table, (parties[0], parties[1]), self.first))
        return self._w1 if actor == parties[0] else 1.0 - self._w1

    # ------------------------------------------------------------------ talks
    def preview(self, actor: str) -> float:
        """``actor``'s gain if talks were held now and agreed (0 if no agreement); changes nothing.

        Valued with ``nash`` (no draw), whatever the protocol. The engine advances the world
        before every policy epoch, so the projection starts now.
        """
        if self.table.sc.deal_space is None or self.terms:
            return 0.0
        parties = self._parties()
        if actor not in parties:
            return 0.0
        found = negotiate(self.table, parties, None, ask=False).agreement
        return found.gains[actor] if found else 0.0

    def propose(self, actor: str) -> bool:
        """A policy calls talks now (the first summit's protocol, nash if none); returns whether a deal came."""
        return self.talks(self._parties(), self.first, actor, "proposed by policy")

    def talks(self, parties: list[str], spec: Summit | None, actor: str | None, note: str) -> bool:
        """Unscheduled talks now (protocol from ``spec``, nash if ``None``); returns whether a deal came."""
        if self.table.sc.deal_space is None or self.terms:
            return False
        self.clock.log(EventKind.TALKS, actor, None, None, None, note)
        return self._bargain(parties, spec, renewal=False)

    def _bargain(self, parties: list[str], spec: Summit | None, renewal: bool) -> bool:
        """Bargain now; apply the agreement, or log why there is none (a rejected offer truncates
        the public belief over the responder's signing cost)."""
        self.last_talks = self.clock.now
        self._advance()
        result = negotiate(self.table, parties, spec, rng=self.offer_rng)
        if result.agreement is not None and self.refuse_next:  # the counterfactual run: this agreement is refused
            self.refuse_next = False
            self.clock.log(EventKind.NO_DEAL, None, None, None, None, "agreement refused (counterfactual run)")
            return False
        if result.agreement is None:
            if result.rejected_by is not None:
                self.table.reputation.rejected(result.rejected_by, result.offer)
                why = f"{result.rejected_by} rejects the offer"
            elif result.refused is not None:
                why = f"{result.refused} refuses the agreement (its policy)"
            else:
                why = "no package leaves both sides better off"
            self.clock.log(EventKind.NO_DEAL, None, None, None, None, why)
            return False
        self.spec = spec
        self.apply(result.agreement, parties, renewal)
        return True

    def after_deadline(self, t: ThreatMove) -> None:
        """A threat's deadline was just resolved: its issuer and target talk (if the deal space says so)."""
        ds = self.table.sc.deal_space
        if ds is not None and ds.talks_after_deadlines:
            self.talks([t.actor, t.target], self.first, t.actor, f"after the deadline of {t.id}")

    def _next_background(self) -> None:
        """Schedule the next background talks (exponential gap at ``talks_per_year``) within the horizon."""
        if self.talks_rng is None:
            return
        day = self.clock.now + self.talks_rng.exponential(365.0 / self.rate)
        if day <= self.table.sc.meta.horizon_days:
            self.clock.at(day, self._background)

    def _background(self) -> None:
        self.talks(self._parties(), self.first, None, "background talks")
        self._next_background()

    def summit(self, m: Summit) -> None:
        held = self.table.param(m.probability_held)
        cancelled = bool(self.summit_rng.random() >= held)
        if m is self.first:
            self.first_held = not cancelled
        if cancelled:
            self.clock.log(EventKind.SUMMIT_CANCELLED, None, None, None, None, m.note)
            return
        self.clock.log(EventKind.SUMMIT, None, None, None, None, m.note)
        if self.terms:
            return
        self._bargain(list(m.parties), m, renewal=False)

    # ------------------------------------------------------------------ deals
    def apply(self, deal: Agreement, parties: list[str], renewal: bool) -> None:
        """Put a deal in force: its terms now, a part's second option after its share of the duration,
        each side's signing cost, the transfers; pending threats are settled."""
        now = self.clock.now
        world = self.table.world
        self.outcome.deal(now, deal.first, deal.shares, deal.duration, deal.gains)
        instruments = {r: v for r, v in deal.first.items() if not is_transfer(r)}
        if not renewal:
            self.before = {r: world.values[r] for r in instruments}
        self.terms = dict(deal.first)
        self.locked = set(instruments)
        for ref, v in instruments.items():
            a, n = ref.split(".", 1)
            self._move(a, n, v, EventKind.DEAL, "deal terms", react=False)
        self._advance()
        for side, cost in deal.costs.items():
            if cost:
                world.lump(side, AUDIENCE, cost)
        for ref, v in deal.first.items():
            if is_transfer(ref) and v:
                _, payer, payee = ref.split(".")
                world.lump(payer, TRANSFER, v)
                world.lump(payee, TRANSFER, -v)
        self.threats.settle()
        terms = ", ".join(
            f"{r}={v:g}" + (f" for {deal.shares[r]:.0%} then {deal.then[r]:g}" if r in deal.then else "")
            for r, v in deal.first.items()
        )
        self.clock.log(EventKind.DEAL_RENEWED if renewal else EventKind.DEAL, None, None, None, None, terms)
        self.until = now + deal.duration
        by_share: dict[float, dict[str, float]] = {}
        for ref, v in deal.then.items():
            by_share.setdefault(deal.shares[ref], {})[ref] = v
        for share, moves in sorted(by_share.items()):
            self.clock.at(now + share * deal.duration, partial(self._switch, moves, self.version))
        self.clock.at(self.until, partial(self._expire, parties, self.version))

    def _switch(self, moves: dict[str, float], version: int) -> None:
        """A part's first option has held its share of the deal: its second option holds to the end."""
        if version != self.version or not self.terms:
            return
        for ref, v in moves.items():
            a, n = ref.split(".", 1)
            self.terms[ref] = v
            self._move(a, n, v, EventKind.DEAL, "deal terms: second option of a part", react=False)

    def _expire(self, parties: list[str], version: int = 0) -> None:
        """The deal ends: its items snap back to their values before it; with ``renew``, renewal talks
        open at once, valued against that dispute (the disagreement point recomputed now)."""
        if version != self.version or not self.terms:
            return  # that deal was broken earlier
        self._snap_back(self._end(), "deal expired: snap back")  # `before` stays: a renewal replaces it again
        self.clock.log(EventKind.DEAL_EXPIRED, None, None, None, None, "")
        if self.table.sc.deal_space.renew:
            self.clock.log(EventKind.TALKS, None, None, None, None, "renewal talks at expiry")
            self._bargain(parties, self.spec, renewal=True)

    def enforce(self, actor: str) -> bool:
        """Is the deal in force still worth keeping for ``actor``? If not, it breaks the deal (MODEL §5).

        Over the deal's remaining days (at most the actor's planning horizon, ``horizon_days`` of
        its policy, else 90), keeping it is compared with reverting to the dispute now (every
        item back to its value before the deal) less the defection cost. Returns whether the
        deal was broken.
        """
        ds = self.table.sc.deal_space
        if ds is None or not ds.self_enforcing or not self.terms or not self.before:
            return False
        now = self.clock.now
        # over the deal's remaining days, at most the actor's planning horizon (its valuation of any move)
        horizon = min(self.until - now, float(self.table.sc.actors[actor].policy.params.get("horizon_days", 90.0)))
        if horizon <= 1e-9:
            return False
        key = (now, horizon, self.version, tuple(self.terms.items()))
        if self._enforced[0] != key:  # one projection gives every side's keep-or-break losses at this instant
            self._advance()
            sched = self.table.scheduled(False)
            overrides = {r: [self.terms.get(r, self.table.world.values[r]), v] for r, v in self.before.items()}
            both = self.table.projector.project(horizon, overrides, sched, relative=True)  # the deal's parts only
            self._enforced = (key, both)
        keep, broken = np.broadcast_to(np.asarray(self._enforced[1][actor], dtype=float), (2,))
        if float(keep) - float(broken) <= self.defection_cost() + ENFORCE_TOLERANCE_BN:
            return False
        self.defect_all(actor)
        return True

    def defect_all(self, actor: str) -> None:
        """``actor`` breaks the deal: every item goes back to its value before the deal; defection costs."""
        world = self.table.world
        world.lump(actor, AUDIENCE, self.defection_cost())
        self.clock.log(EventKind.DEFECT, actor, None, None, None, "deal no longer self-enforcing: broken")
        prev, self.before = self._end(), {}
        self._snap_back(prev, f"snap back: {actor} broke the deal")

    def defect(self, actor: str, instrument: str, value: float) -> None:
        """Break the deal in force: the other side's concessions snap back; defection costs."""
        ref = f"{actor}.{instrument}"
        world = self.table.world
        self._advance()
        world.lump(actor, AUDIENCE, self.defection_cost())
        self.clock.log(EventKind.DEFECT, actor, instrument, world.values[ref], value, "deal broken")
        prev, self.before = self._end(), {}
        self._snap_back(prev, "snap back after defection", keep=actor)  # the defector moves its own instrument
        self._move(actor, instrument, value, EventKind.MOVE, "defection")

    def _end(self) -> dict[str, float]:
        """End the deal in force: nothing locked, no terms, its pending switches and expiry void.
        Returns the values the deal replaced."""
        self.locked = set()
        self.terms = {}
        self.version += 1
        return self.before

    def _snap_back(self, values: dict[str, float], note: str, keep: str | None = None) -> None:
        """Every item back to its value before the deal (``keep``'s own items excepted)."""
        for ref, v in values.items():
            a, n = ref.split(".", 1)
            if a != keep:
                self._move(a, n, v, EventKind.EXPIRY, note, react=False)
