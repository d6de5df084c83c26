"""The columns of a run's series rows and summary row, in order (the engine fills them)."""

from __future__ import annotations

from sim.engine.calibration import calibrated_keys
from sim.engine.links import COMPONENTS
from sim.engine.negotiation import transfer_key
from sim.scenario.schema import Scenario, Summit


def series_columns(sc: Scenario) -> list[str]:
    from sim.policies import REGISTRY

    cols = ["t"]
    cols += [f"{a}.{n}" for a, act in sc.actors.items() for n in act.instruments]
    cols += [f"stock_{k}" for k in sc.chokepoints]
    cols += [f"shortfall_share_{k}" for k in sc.chokepoints]
    cols += [f"loss_{a}" for a in sc.actors]
    cols += ["hostility"]
    for a, act in sc.actors.items():
        cols += REGISTRY[act.policy.name].series_fields(a, act.policy.params)
    return cols


def summary_columns(sc: Scenario) -> list[str]:
    """The columns of a run's summary row, in order (:meth:`Engine.summarise` fills them).

    ``seed`` is added by :func:`run_replication`; sweeps add their own columns after it.
    """
    names = ["run", "outcome", "deal_day", "capitulation_day", "deal_in_force_at_horizon"]
    names += ["hostility_start", "hostility_end"]
    names += [f"payoff_{a}" for a in sc.actors]
    names += [f"loss_{comp}_{a}" for a in sc.actors for comp in COMPONENTS]
    names += [f"threat_{t.id}_carried_out" for t in sc.threats()]
    names += [f"threats_issued_{a}" for a in sc.actors]
    for c in sc.chokepoints:
        names += [f"shortage_days_{c}", f"unmet_demand_days_{c}", f"stockout_day_{c}"]
    ds = sc.deal_space
    if ds is not None:
        names += [f"deal_{i.actor}.{i.instrument}" for i in ds.items]
        names += [f"deal_{transfer_key(t.payer, t.payee)}" for t in ds.transfers]
        names += [f"deal_{i.actor}.{i.instrument}_share" for i in ds.items]
        names += ["deal_duration_days"]
        names += [f"deal_gain_{a}" for a in sc.actors]
    names += [f"peak_{a}.{n}" for a, act in sc.actors.items() for n in act.instruments]
    names += [f"below_reference_{a}" for a in sc.actors]
    if any(isinstance(m, Summit) for m in sc.calendar):
        names += ["first_summit_held", "first_summit_day"]
    names += ["n_events", "plausibility_bound_bn", "plausible"]
    names += [f"weight_{k}" for k in calibrated_keys(sc)]  # this run's calibrated motive weights
    names += [path for path, _ in sc.uncertain]
    return [*dict.fromkeys(names), "seed"]
