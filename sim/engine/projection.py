"""Closed-form projection of each actor's losses over a planning horizon.

Policies and the bargaining step ask "what would each side lose over the next
``H`` days if the instruments were set like this?". The answer uses the same
economics as the engine, with expected (not sampled) licensing: approved volume
arrives at the approval share, one mean processing delay after it is filed, and
the applications already in the queue arrive evenly over the first delay.
Alternative supply ramps as in a run: at each capacity update (every review
period since day 0) it grows by the base ramp, up to its ceiling. One
approximation: the engine speeds the ramp by the time spent in shortage since the
last update; the projection leaves that acceleration out (its own shortage is
only known once the segments are laid out), so it under-states the alternative
supply built during a shortage. An update due exactly now counts as done. No
SimPy inside: the projection is vectorised over packages with numpy.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from sim.engine.choke_projection import Plan, choke_row, choke_rows, make_plan
from sim.engine.links import link_losses_rows, link_part, link_segments
from sim.engine.world import World
from sim.model.chokepoints import at_least, chokepoint_inflows, licensed_share

Change = tuple[float, str, float]  # (absolute day, instrument ref, value)


#: From this many rows of one chokepoint on, they are valued together as arrays (fewer: one by one).
ROWS_AT_ONCE = 4

_UNIQUE: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}


def _getter(refs: Sequence[str]) -> Any:
    """A function of an instrument-value dict giving the values of ``refs`` as one hashable item."""
    return operator.itemgetter(*refs) if refs else (lambda _vals: ())


class Projector:
    """Project discounted losses from the world's current state."""

    def __init__(self, world: World, memo: bool = False) -> None:
        self.w = world
        self._links = {l.name: l for l in world.links}
        self._chokes = {c.name: c for c in world.chokes}
        self._keys = [f"link:{l.name}" for l in world.links] + [f"choke:{c.name}" for c in world.chokes]
        self._deps: dict[str, list[str]] | None = None
        self._plans: dict[tuple, Plan] = {}
        self._flows: dict[tuple, tuple[float, float]] = {}
        self._refs = {k: tuple(self._part_refs(k)) for k in self._keys}
        self._kinds = {k: tuple(k.split(":", 1)) for k in self._keys}
        # each part's instrument values as one memo-key item, and its "no known changes" tuple
        self._get = {k: _getter(r) for k, r in self._refs.items()}
        self._none = {k: ((),) * len(r) for k, r in self._refs.items()}
        # memo of part losses, keyed on everything a part reads (its instruments, their known changes, its
        # own state: a link's decaying state and share, a chokepoint's stock, alternative shares and licences
        # in the pipeline); only for a world whose motive weights stay fixed (the engine's)
        self._memo: dict[tuple, Any] | None = {} if memo else None

    def _context(self, horizon: float, overrides: dict[str, Any], scheduled: Iterable[Change], discount: bool) -> tuple:
        w = self.w
        t0 = w.t
        t1 = t0 + horizon
        changes = sorted((c for c in scheduled if t0 < c[0] < t1 and c[1] not in overrides), key=lambda c: c[0])
        rho = w.rho if discount else 0.0
        tcuts = sorted({t0, t1, *(c[0] for c in changes)})
        lists: dict[str, list[tuple[float, float]]] = {}
        for when, ref, value in changes:
            lists.setdefault(ref, []).append((when, value))
        by_ref = {r: tuple(v) for r, v in lists.items()}  # tuples: parts key their memo on them
        return t0, t1, changes, rho, tcuts, by_ref, {}  # last: each part's own changes, found once

    def _mine(self, key: str, ctx: tuple) -> tuple:
        """The known changes of each of the part's instruments (tuples: the memo keys on them)."""
        by_ref = ctx[5]
        if not by_ref:
            return self._none[key]
        found = ctx[6]
        mine = found.get(key)
        if mine is None:
            mine = found[key] = tuple(by_ref.get(r, ()) for r in self._refs[key])
        return mine

    def deps(self) -> dict[str, list[str]]:
        """For each instrument, the parts (links, chokepoints) whose losses depend on it."""
        if self._deps is None:
            out: dict[str, list[str]] = {}
            for l in self.w.links:
                for r in (l.tariff, l.quota, *(e[0] for e in l.equivalents)):
                    if r:
                        out.setdefault(r, []).append(f"link:{l.name}")
            for ch in self.w.chokes:
                for r in (ch.control, ch.approval, ch.delay):
                    out.setdefault(r, []).append(f"choke:{ch.name}")
            self._deps = out
        return self._deps

    def _part(self, key: str, vals: dict[str, float], ctx: tuple) -> dict[str, float]:
        """Losses of one part (a link or a chokepoint) for scalar instrument values.

        Every component counts at face value: motive weights are inside the rates
        (:mod:`sim.engine.links`), exactly as in the world's accounting.
        """
        t0, t1, _changes, rho, _tcuts, by_ref, _found = ctx
        kind, name = self._kinds[key]
        mine = self._mine(key, ctx)  # only this part's changes matter
        memo = self._memo
        if kind == "link":
            l = self._links[name]
            mkey: tuple | None = None
            if memo is not None:
                mkey = (key, t0, t1, rho, self._get[key](vals), mine, l.a, self.w.link_share(l))
                hit = memo.get(mkey)
                if hit is not None:
                    return hit
            w, share = self.w, self.w.link_share(l)
            if any(mine):
                cuts = sorted({t0, t1, *(when for c in mine for when, _ in c)})
                imp, exp = link_part(l, w.motive_weights, share, vals, by_ref, cuts, rho)
            else:  # no known changes: the instruments keep their values (read directly)
                imp, exp = link_part(l, w.motive_weights, share, vals, None, sorted({t0, t1}), rho)
            out = {l.importer: imp}
            out[l.exporter] = out.get(l.exporter, 0.0) + exp
        else:
            ch = self._chokes[name]
            pending = sum(vol * p for due, vol, p in ch.pipeline if due > t0)
            mkey = None
            if memo is not None:
                mkey = (key, t0, t1, rho, self._get[key](vals), mine, ch.stock, ch.x, ch.xb, pending)
                hit = memo.get(mkey)
                if hit is not None:
                    return hit
            d = float(vals[ch.delay])
            plan = self._plan(ch, d, mine, t0, t1, rho)
            weights = self.w.motive_weights
            short, security, withheld, div = choke_row(
                ch, plan, vals[ch.control], vals[ch.approval], d, weights, rho, pending, self._split
            )
            out = {ch.consumer: short}
            out[ch.supplier] = out.get(ch.supplier, 0.0) + security + withheld + div
        if memo is not None and mkey is not None:
            if len(memo) > 50_000:
                memo.clear()
            memo[mkey] = out
        return out

    def _rows(self, key: str, base: dict[str, Any], refs: list[str], rows: np.ndarray, ctx: tuple) -> dict:
        """Losses of one part for each row of ``rows`` (values of ``refs``; the part's other instruments
        at ``base``): many rows at once as arrays (the deal's options: no memo, they rarely recur), a few
        one by one."""
        n = len(rows)
        if n < ROWS_AT_ONCE:
            return {a: np.asarray(c) for a, c in self._each(key, base, refs, rows.tolist(), ctx).items()}
        t0, t1, _changes, rho, _tcuts, _by_ref, _found = ctx
        kind, name = self._kinds[key]
        prefs = self._refs[key]
        mine = self._mine(key, ctx)
        cols = [rows[:, refs.index(r)].astype(float) if r in refs else np.full(n, float(base[r])) for r in prefs]
        weights = self.w.motive_weights
        if kind == "link":
            l = self._links[name]
            segments = link_segments(l, dict(zip(prefs, cols)), dict(zip(prefs, mine)), t0, t1)
            imp, exp = link_losses_rows(l, weights, self.w.link_share(l), segments, rho)
            if l.importer == l.exporter:
                return {l.importer: imp + exp}
            return {l.importer: imp, l.exporter: exp}
        ch = self._chokes[name]
        pending = sum(vol * p for due, vol, p in ch.pipeline if due > t0)
        short, supplier = np.zeros(n), np.zeros(n)
        for d in np.unique(cols[2]).tolist():  # one plan per delay
            sel = np.flatnonzero(cols[2] == d)
            plan = self._plan(ch, d, mine, t0, t1, rho)
            sh, sec, wh, div = choke_rows(ch, plan, cols[0][sel], cols[1][sel], d, weights, rho, pending)
            short[sel] = sh
            supplier[sel] = sec + wh + div
        if ch.consumer == ch.supplier:
            return {ch.consumer: short + supplier}
        return {ch.consumer: short, ch.supplier: supplier}

    def _each(self, key: str, base: dict[str, Any], refs: list[str], rows: list, ctx: tuple) -> dict[str, list]:
        """Losses of one part for each row of ``rows``, one by one (rows set in ``base`` in place, then
        restored: no copy of every value)."""
        acc: dict[str, list] = {}
        saved = [base[r] for r in refs]
        try:
            for i, row in enumerate(rows):
                for r, x in zip(refs, row):
                    base[r] = x
                for a, x in self._part(key, base, ctx).items():
                    acc.setdefault(a, [0.0] * len(rows))[i] = x
        finally:
            for r, x in zip(refs, saved):
                base[r] = x
        return acc

    def _plan(self, ch: Any, d: float, mine: tuple, t0: float, t1: float, rho: float) -> Plan:
        key = (ch.name, d, mine, t0, t1, rho, ch.x, ch.xb)
        hit = self._plans.get(key)
        if hit is None:
            if len(self._plans) > 64:
                self._plans.clear()
            hit = self._plans[key] = make_plan(ch, d, mine[0], mine[1], mine[2], t0, t1, rho)
        return hit

    def _split(self, ch: Any, tier: Any, x: float) -> tuple[float, float]:
        """(unlicensed inflow, licensed volume rate) at a control tier and alternative share ``x``, cached."""
        key = (ch.name, tier, x)
        hit = self._flows.get(key)
        if hit is None:
            if len(self._flows) > 4096:
                self._flows.clear()
            hit = self._flows[key] = chokepoint_inflows(
                ch.s, licensed_share(ch.shares, tier), ch.content, at_least(tier, ch.et_tier), x
            )
        return hit

    def _part_refs(self, key: str) -> list[str]:
        kind, name = key.split(":", 1)
        if kind == "link":
            l = self._links[name]
            return [r for r in (l.tariff, l.quota, *(e[0] for e in l.equivalents)) if r]
        ch = self._chokes[name]
        return [ch.control, ch.approval, ch.delay]

    def project(
        self,
        horizon: float,
        overrides: dict[str, Any] | None = None,
        scheduled: Iterable[Change] = (),
        discount: bool = True,
        revert: tuple[float, dict[str, float]] | None = None,
        relative: bool = False,
        moves: dict[str, float] | None = None,
    ) -> dict[str, Any]:
        """Total preference-weighted loss ($bn) per actor from now to ``now + horizon``.

        ``relative``: leave out the parts no array override touches, or whose overridden
        instruments are the same in every entry (a common offset of every entry:
        differences between entries are exact, levels are not). ``moves`` set instruments
        now (scalars) without fixing them: their later known changes still happen.

        ``overrides`` set instruments now (arrays allowed: one entry per package);
        ``scheduled`` are later changes ``(day, ref, value)``; changes to an
        overridden instrument are ignored (a deal fixes it). ``revert = (day, values)``
        ends a deal at absolute ``day`` (after now): every instrument in ``values``,
        overridden or not, takes its scalar value then; overridden ones keep it to the
        horizon, the others still follow their later scheduled changes (one due on the
        revert day itself wins). Each link and chokepoint is evaluated once per distinct
        combination of the overridden instruments it depends on (in plain floats), then
        broadcast to all packages.
        """
        w = self.w
        overrides = overrides or {}
        if revert is None:
            ctx = self._context(horizon, overrides, scheduled, discount)
        else:
            day, values = revert
            if not day > w.t:
                raise ValueError(f"a deal reverting on day {day} must end after now ({w.t})")
            kept = [c for c in scheduled if c[1] not in overrides]  # a deal fixes its instruments until it ends
            ctx = self._context(horizon, {}, [*((day, r, float(v)) for r, v in values.items()), *kept], discount)
        vec = {r: v for r, v in overrides.items() if isinstance(v, list) or (type(v) is not float and np.ndim(v) > 0)}
        base = dict(w.values)
        if moves:
            base.update(moves)
        base.update({r: float(v) for r, v in overrides.items() if r not in vec})
        totals: dict[str, Any] = {a: 0.0 for a in w.actors}
        deps = self.deps()
        touched = {k for r in vec for k in deps.get(r, ())}
        if vec and len(next(iter(vec.values()))) <= 8:
            return self._few(ctx, base, {r: [float(x) for x in v] for r, v in vec.items()}, touched, relative, totals)
        arrays = {r: np.asarray(v, dtype=float) for r, v in vec.items()}
        for key in self._keys:
            refs = [r for r in self._refs[key] if r in arrays] if key in touched else None
            if not refs:
                if relative:
                    continue
                for a, x in self._part(key, base, ctx).items():
                    totals[a] = totals[a] + x
                continue
            uniq, inv = self._unique(refs, arrays)
            if relative and len(uniq) == 1:
                continue  # the same in every entry: a common offset too
            for a, col in self._rows(key, base, refs, uniq, ctx).items():
                totals[a] = totals[a] + col[inv]
        return totals

    def _few(self, ctx: tuple, base: dict, lists: dict, touched: set, relative: bool, totals: dict) -> dict:
        """:meth:`project` for a few packages (a deal's check: keep it or break it) in plain lists: the same
        sums in the same order, without numpy's costs per call."""
        for key in self._keys:
            refs = [r for r in self._refs[key] if r in lists] if key in touched else None
            if not refs:
                if relative:
                    continue
                for a, x in self._part(key, base, ctx).items():
                    t = totals[a]
                    totals[a] = [v + x for v in t] if isinstance(t, list) else t + x
                continue
            first: dict[tuple, int] = {}
            inv = [first.setdefault(row, len(first)) for row in zip(*(lists[r] for r in refs))]
            if relative and len(first) == 1:
                continue  # the same in every entry: a common offset too
            if len(first) < ROWS_AT_ONCE:
                cols = self._each(key, base, refs, list(first), ctx)
            else:
                uniq = np.asarray(list(first), dtype=float)
                cols = {a: c.tolist() for a, c in self._rows(key, base, refs, uniq, ctx).items()}
            for a, col in cols.items():
                t = totals[a]
                totals[a] = [v + col[j] for v, j in zip(t, inv)] if isinstance(t, list) else [t + col[j] for j in inv]
        return {a: np.asarray(t) if isinstance(t, list) else t for a, t in totals.items()}

    def project_options(
        self,
        horizon: float,
        options: list[tuple[str, float]],
        scheduled: Iterable[Change],
        actor: str | Sequence[str],
        discount: bool = True,
        relative: bool = False,
    ) -> np.ndarray:
        """``actor``'s loss with no change, then with each single change ``(ref, value)`` made now.

        ``actor`` may be a sequence of actors: then one row per actor (a 2-D array), from the same
        evaluation of each part (both sides' losses cost one projection).

        A move made now does not cancel the instrument's known later changes (calendar
        moves, carried-out threats): the engine will still make them. Deals, which do
        fix instruments, are valued with :meth:`project` and ``overrides``.

        Only the parts that depend on the changed instrument are evaluated again,
        so scoring a handful of options costs little more than one projection.
        With ``relative`` the parts no option touches are left out of every entry
        (a common offset per actor: differences between options are exact, levels are not).
        """
        scheduled = list(scheduled)
        ctx = self._context(horizon, {}, scheduled, discount)
        base = dict(self.w.values)
        deps = self.deps()
        keys = self._keys
        if relative:
            touched = {k for ref, _ in options for k in deps.get(ref, ())}
            keys = [k for k in keys if k in touched]
        one = isinstance(actor, str)
        actors = (actor,) if one else tuple(actor)
        both = {k: self._part(k, base, ctx) for k in keys}
        totals = [sum(p.get(a, 0.0) for p in both.values()) for a in actors]
        rows = [totals]
        for ref, value in options:
            keys = deps.get(ref, [])
            if not keys:
                rows.append(totals)
                continue
            old = base[ref]
            base[ref] = value
            try:
                new = [(self._part(k, base, ctx), both[k]) for k in keys]
            finally:
                base[ref] = old
            rows.append([t + sum(n.get(a, 0.0) - o.get(a, 0.0) for n, o in new) for a, t in zip(actors, totals)])
        out = np.asarray(rows).T
        return out[0] if one else out

    @staticmethod
    def _unique(refs: list[str], arrays: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The distinct rows of the overridden instruments (in order of first appearance) and each
        package's row."""
        mat = np.stack([arrays[r] for r in refs], axis=1)
        key = (mat.shape, mat.tobytes())
        hit = _UNIQUE.get(key)
        if hit is None:
            seen: dict[tuple, int] = {}
            order = np.asarray([seen.setdefault(row, len(seen)) for row in map(tuple, mat.tolist())], dtype=np.intp)
            hit = (np.asarray(list(seen), dtype=float).reshape(len(seen), len(refs)), order)
            if len(_UNIQUE) > 512:
                _UNIQUE.clear()
            _UNIQUE[key] = hit
        return hit
