"""Restraint before talks: did a side give up a calibrated weapon below its reference level?

Calibration makes each side's reference levels its best responses (``docs/model.md`` §3),
so with the economics right a side does not unilaterally move a calibrated instrument to
the friendly side of its reference level before the first talks. The summary records,
per actor, whether it did (``below_reference_<ACTOR>``); the summary statistics report the
share of runs in which a side did.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from sim.engine.calibration import calibrated_keys, policy_instruments
from sim.engine.events import Event, EventKind
from sim.scenario.schema import Scenario

#: Moves an actor chooses itself: its policy's moves and its concessions (not calendar moves or deals).
OWN_MOVES = (EventKind.MOVE, EventKind.CONCESSION)
#: Events that open talks: a summit that is held, or talks a policy calls.
TALKS = (EventKind.SUMMIT, EventKind.TALKS)


def calibrated_instruments(sc: Scenario) -> dict[str, list[str]]:
    """Per actor, the instruments whose reference levels identify its calibrated weights."""
    actors = {k.split(".", 1)[0] for k in calibrated_keys(sc)}
    return {a: [f"{a}.{n}" for n in policy_instruments(sc, a)] for a in sc.actors if a in actors}


def first_talks(events: Iterable[Event]) -> float:
    """Day of the first talks (inf if none)."""
    return min((e.t for e in events if e.kind in TALKS), default=math.inf)


def below_reference(
    sc: Scenario, events: list[Event], reference: Mapping[str, float], instruments: Mapping[str, list[str]]
) -> dict[str, bool]:
    """Per actor: an own move put a calibrated instrument on the friendly side of its reference before talks."""
    until = first_talks(events)
    out = dict.fromkeys(sc.actors, False)
    for e in events:
        if e.t >= until:
            break
        if e.kind not in OWN_MOVES or e.actor is None or e.instrument is None or e.new is None:
            continue
        ref = f"{e.actor}.{e.instrument}"
        if ref not in instruments.get(e.actor, ()):
            continue
        level = reference[ref]
        hostile_up = sc.instrument(ref).hostile == "up"
        if (e.new < level - 1e-9) if hostile_up else (e.new > level + 1e-9):
            out[e.actor] = True
    return out
