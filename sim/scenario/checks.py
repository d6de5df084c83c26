"""Cross-field checks on a scenario that pydantic's per-field validation cannot do.

Each check yields ``(path, message)``; the loader turns paths into file:line:col.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sim.errors import did_you_mean, known
from sim.scenario import roles
from sim.scenario.cascade import Unknown
from sim.scenario.distributions import is_dist, show
from sim.scenario.numbers import LATEST_DATE
from sim.scenario.schema import LicensingMove, Scenario, SetMove, Summit, ThreatMove

#: Most packages of a deal space (the product of its items' and transfers' value counts;
#: a chosen limit). Talks build every package as a row of a float64 grid and the
#: projection evaluates each package's payoff vectorised over the grid (a few arrays
#: of that length per link and chokepoint): 10^5 packages stay within tens of MB and
#: a fraction of a second per talk; three items of 100 values (10^6) ran out of memory.
MAX_PACKAGES = 100_000

Path = tuple[Any, ...]
Found = Iterator[tuple[Path, str]]
Check = Callable[[Scenario], Iterable[tuple[tuple[Any, ...], str]]]


def _range(x: Any) -> tuple[float, float]:
    return x.likely_range() if is_dist(x) else (float(x), float(x))


def _within(path: Path, x: Any, lo: float, hi: float, what: str) -> Found:
    a, b = _range(x)
    if a < lo or b > hi:
        shown = f"{show(a)}" if a == b else f"values from {show(a)} to {show(b)}"
        yield path, f"{what} must lie in [{show(lo)}, {show(hi)}], found {shown}"


def _actor(sc: Scenario, path: Path, name: str) -> Found:
    if name not in sc.actors:
        yield (
            path,
            Unknown(f"unknown actor '{name}'{did_you_mean(name, sc.actors)}; known: {known(sc.actors)}", "actor", name),
        )


def instrument_exists(sc: Scenario, path: Path, actor: str, name: str) -> Found:
    if actor not in sc.actors:
        return
    inst = sc.actors[actor].instruments
    if not isinstance(name, str):
        yield path, f"expected the name of an instrument of {actor}, found {name!r}"[:200]
    elif name not in inst:
        msg = f"actor {actor} has no instrument '{name}'{did_you_mean(name, inst)}; known: {known(inst)}"
        yield path, Unknown(msg, "instrument", actor, name)


def _ref(sc: Scenario, path: Path, ref: str | None) -> Found:
    if ref is None:
        return
    actor, name = ref.split(".", 1)
    if actor not in sc.actors:
        yield path, Unknown(f"unknown actor '{actor}' in '{ref}'{did_you_mean(actor, sc.actors)}", "actor", actor)
        return
    yield from instrument_exists(sc, path, actor, name)


def _bounds(sc: Scenario, path: Path, actor: str, name: str, value: float) -> Found:
    try:
        spec = sc.actors[actor].instruments[name]
    except KeyError:
        return
    if not spec.min <= value <= spec.max:
        yield path, f"value {show(value)} is outside the bounds [{show(spec.min)}, {show(spec.max)}] of {actor}.{name}"


def _date(sc: Scenario, path: Path, date: Any) -> Found:
    if date < sc.meta.start:
        yield path, f"date {date} is before the scenario start {sc.meta.start}"
    elif date > sc.meta.end:
        yield path, f"date {date} is after the scenario end {sc.meta.end} (start + horizon_days)"


def _motives(sc: Scenario, a: str, base: Path) -> Found:
    """Each motive names a link or chokepoint that exists and in which the actor has that role."""
    m = sc.actors[a].motives
    kinds: list[tuple[str, list[Any], str, dict[str, Any], str, str]] = [
        ("protection", m.protection, "link", sc.trade_links, "importer", "imports on"),
        ("farm", m.farm, "link", sc.trade_links, "exporter", "exports on"),
        ("security", m.security, "chokepoint", sc.chokepoints, "supplier", "supplies"),
    ]
    for kind, entries, key, targets, role, does in kinds:
        seen: dict[str, int] = {}
        what = "trade link" if key == "link" else "chokepoint"
        for i, entry in enumerate(entries):
            path = base + (kind, i, key)
            name = getattr(entry, key)
            if name in seen:
                yield path, f"{kind} on '{name}' is already given at {kind}.{seen[name]}"
                continue
            seen[name] = i
            if name not in targets:
                msg = f"unknown {what} '{name}'{did_you_mean(name, targets)}; known: {known(targets) or 'none'}"
                yield path, Unknown(msg, what, name)
            elif getattr(targets[name], role) != a:
                t = targets[name]
                ends = f"runs {t.exporter} -> {t.importer}" if key == "link" else f"is supplied by {t.supplier}"
                yield path, f"{kind} needs a {what} that {a} {does}: '{name}' {ends}"


def _calibration(sc: Scenario) -> Found:
    """The reference state: dated before the start, naming known instruments at values within their bounds.

    (``calibration.instruments`` is checked with the calibration, :mod:`sim.engine.compile`.)
    """
    cal = sc.calibration
    if cal is None:
        return
    base: Path = ("calibration",)
    if cal.reference_date >= sc.meta.start:
        yield (
            base + ("reference_date",),
            f"reference_date {cal.reference_date} must be before the scenario start {sc.meta.start}: "
            "the reference state is the one that held before the dispute",
        )
    for ref, value in cal.reference.items():
        path = base + ("reference", ref)
        problems = list(_ref(sc, path, ref))
        yield from problems
        if not problems:
            actor, name = ref.split(".", 1)
            yield from _bounds(sc, path, actor, name, value)


def check(sc: Scenario, extra: Iterable[Check] = ()) -> list[tuple[tuple[Any, ...], str]]:
    """All cross-field problems of ``sc`` as ``(path, message)``.

    ``extra`` are further checks from the packages that know more than the
    schema (the engine checks policy parameters through the policy registry). A check
    with the attribute ``after_others = True`` runs only when no other check found a problem.
    """
    found = list(_check(sc))
    for more in extra:
        if getattr(more, "after_others", False) and found:
            continue  # a check that evaluates the model needs a scenario without other problems
        found.extend(more(sc))
    return found


def _check(sc: Scenario) -> Found:
    if len(sc.actors) != 2:
        # negotiations, threats and the policies' "other side" all assume two parties
        yield (
            ("actors",),
            (
                f"tradesim models two-sided negotiations: found {len(sc.actors)} actor"
                f"{'s' if len(sc.actors) != 1 else ''} ({', '.join(sc.actors)}); "
                f"a scenario has exactly two"
            ),
        )
    base: Path
    for a, actor in sc.actors.items():
        base = ("actors", a)
        for n, ins in actor.instruments.items():
            p = base + ("instruments", n)
            if not ins.min <= ins.max:
                yield p + ("min",), f"min ({show(ins.min)}) must not exceed max ({show(ins.max)})"
            elif not ins.min <= ins.initial <= ins.max:
                yield (
                    p + ("initial",),
                    f"initial value {show(ins.initial)} is outside [{show(ins.min)}, {show(ins.max)}]",
                )
        yield from _within(base + ("resolve_bn",), actor.resolve_bn, 0, math.inf, "resolve_bn")
        yield from _motives(sc, a, base + ("motives",))
    yield from _calibration(sc)

    for k, link in sc.trade_links.items():
        base = ("trade_links", k)
        yield from _actor(sc, base + ("exporter",), link.exporter)
        yield from _actor(sc, base + ("importer",), link.importer)
        if link.exporter == link.importer:
            yield base + ("importer",), "importer must differ from exporter"
        yield from _ref(sc, base + ("tariff",), link.tariff)
        yield from _ref(sc, base + ("quota",), link.quota)
        yield from roles.link_instruments(sc, base, link)
        if link.tariff and link.importer in sc.actors and link.tariff.split(".")[0] != link.importer:
            yield base + ("tariff",), f"the tariff must be an instrument of the importer {link.importer}"
        for i, te in enumerate(link.tariff_equivalents):
            yield from _ref(sc, base + ("tariff_equivalents", i, "instrument"), te.instrument)

    for k, cp in sc.chokepoints.items():
        base = ("chokepoints", k)
        yield from _actor(sc, base + ("supplier",), cp.supplier)
        yield from _actor(sc, base + ("consumer",), cp.consumer)
        if cp.supplier == cp.consumer:
            yield base + ("consumer",), "consumer must differ from supplier"
        for f in ("control", "approval", "delay_days"):
            ref = getattr(cp, f)
            yield from _ref(sc, base + (f,), ref)
            if cp.supplier in sc.actors and ref.split(".")[0] != cp.supplier:
                yield base + (f,), f"'{ref}' must be an instrument of the supplier {cp.supplier}"
        yield from roles.chokepoint_instruments(sc, base, cp)
        try:
            ctl = sc.instrument(cp.control)
            if ctl.max > len(cp.licensed_share_by_tier) - 1:
                yield (
                    base + ("licensed_share_by_tier",),
                    (
                        f"{cp.control} goes up to tier {show(ctl.max)}; give a share for every tier 0..{show(ctl.max)} "
                        f"({int(ctl.max) + 1} values), found {len(cp.licensed_share_by_tier)}"
                    ),
                )
            if ctl.min < 0:
                owner, name = cp.control.split(".", 1)
                yield (
                    ("actors", owner, "instruments", name, "min"),
                    (
                        f"{cp.control} is the control tier of chokepoint {k}: tiers start at 0 "
                        f"(licensed_share_by_tier[0]), found min {show(ctl.min)}"
                    ),
                )
        except KeyError:
            pass

    threat_ids: dict[str, int] = {}
    for i, m in enumerate(sc.calendar):
        base = ("calendar", i)
        if isinstance(m, SetMove):
            yield from _date(sc, base + ("date",), m.date)
            yield from _actor(sc, base + ("actor",), m.actor)
            yield from instrument_exists(sc, base + ("instrument",), m.actor, m.instrument)
            yield from _bounds(sc, base + ("value",), m.actor, m.instrument, m.value)
        elif isinstance(m, LicensingMove):
            yield from _date(sc, base + ("date",), m.date)
            yield from _actor(sc, base + ("actor",), m.actor)
            if m.approval is None and m.delay_days is None:
                yield base, "a licensing move sets approval, delay_days or both"
            if m.approval is not None:
                yield from instrument_exists(sc, base + ("approval_instrument",), m.actor, m.approval_instrument)
                yield from _bounds(sc, base + ("approval",), m.actor, m.approval_instrument, m.approval)
            if m.delay_days is not None:
                yield from instrument_exists(sc, base + ("delay_instrument",), m.actor, m.delay_instrument)
                yield from _bounds(sc, base + ("delay_days",), m.actor, m.delay_instrument, m.delay_days)
        elif isinstance(m, ThreatMove):
            if m.id in threat_ids:
                yield base + ("id",), f"threat id '{m.id}' is already used by calendar[{threat_ids[m.id]}]"
            threat_ids[m.id] = i
            yield from _date(sc, base + ("announced",), m.announced)
            yield from _date(sc, base + ("deadline",), m.deadline)
            if m.deadline <= m.announced:
                yield base + ("deadline",), (f"deadline {m.deadline} must come after the announcement {m.announced}")
            yield from _actor(sc, base + ("actor",), m.actor)
            yield from _actor(sc, base + ("target",), m.target)
            if m.actor == m.target:
                yield base + ("target",), "a threat's target must differ from its issuer"
            yield from instrument_exists(sc, base + ("instrument",), m.actor, m.instrument)
            if (m.value is None) == (m.add is None):
                yield base, "a threat gives exactly one of 'value' (set to) or 'add' (raise by)"
            elif m.value is not None:
                yield from _bounds(sc, base + ("value",), m.actor, m.instrument, m.value)
            c = m.condition
            yield from _actor(sc, base + ("condition", "actor"), c.actor)
            yield from instrument_exists(sc, base + ("condition", "instrument"), c.actor, c.instrument)
            if c.actor != m.target and c.actor in sc.actors and m.target in sc.actors:
                yield base + ("condition", "actor"), f"the condition is on the target {m.target}, found {c.actor}"
            if (c.at_most is None) == (c.at_least is None):
                yield base + ("condition",), "a condition gives exactly one of 'at_most' or 'at_least'"
        elif isinstance(m, Summit):
            yield from _date(sc, base + ("date",), m.date)
            for j, party in enumerate(m.parties):
                yield from _actor(sc, base + ("parties", j), party)
            if len(set(m.parties)) != len(m.parties):
                yield base + ("parties",), "summit parties must be different actors"
            if sc.deal_space is None:
                yield base, "a summit needs a 'deal_space' to bargain over"
            if m.first_proposer is not None and m.first_proposer not in m.parties:
                yield (
                    base + ("first_proposer",),
                    (f"first_proposer '{m.first_proposer}' is not one of the parties {', '.join(m.parties)}"),
                )

    if sc.meta.end > LATEST_DATE:
        yield (
            ("meta", "horizon_days"),
            f"start + horizon_days is {sc.meta.end}, after {LATEST_DATE}, the latest date a run may reach",
        )
    if sc.deal_space is not None:
        ds = sc.deal_space
        if not ds.items and not ds.transfers:
            yield ("deal_space",), "a deal space needs at least one item or transfer"
        packages = math.prod(len(i.values) for i in ds.items) * math.prod(len(t.values_bn) for t in ds.transfers)
        if packages > MAX_PACKAGES:
            yield (
                ("deal_space",),
                f"the items and transfers make {packages:,} packages (the product of their numbers of "
                f"values); talks search at most {MAX_PACKAGES:,}: give fewer values",
            )
        for i, tr in enumerate(ds.transfers):
            yield from _actor(sc, ("deal_space", "transfers", i, "payer"), tr.payer)
            yield from _actor(sc, ("deal_space", "transfers", i, "payee"), tr.payee)
            if tr.payer == tr.payee:
                yield ("deal_space", "transfers", i, "payee"), "payee must differ from payer"
        for i, item in enumerate(ds.items):
            base = ("deal_space", "items", i)
            yield from _actor(sc, base + ("actor",), item.actor)
            yield from instrument_exists(sc, base + ("instrument",), item.actor, item.instrument)
            for j, v in enumerate(item.values):
                yield from _bounds(sc, base + ("values", j), item.actor, item.instrument, v)
        if isinstance(ds.weights, dict):
            for a, w in ds.weights.items():
                yield from _actor(sc, ("deal_space", "weights", a), a)
                if w <= 0:
                    yield ("deal_space", "weights", a), f"a weight must be positive, found {show(w)}"
