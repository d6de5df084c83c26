"""A sweep file checked against its base scenario before any run (``--dry-run`` included).

Each parameter's extremes are set into the base scenario, one parameter at a time,
and the result validated as a scenario: the low and high of a range, every listed
value (numbers: the smallest, the largest and one of each type), and what a
distribution can give (a ``choice`` or ``fixed``: its values; otherwise the
quantiles ``TAIL``, 0.5 and ``1 - TAIL`` — the rule the scenario applies to its own
distributions, :data:`sim.scenario.distributions.TAIL`). A path that does not exist,
a value of the wrong type or outside the field's limits is reported at the
parameter's line in the sweep file, with the scenario's message. Points that are
invalid only in combination (two parameters that must keep an order, say) are not
found here: they are recorded as failed runs, like any failing run.

The values are first checked together (one build per "extreme": all lows, all
highs, ...) and only a build that fails is taken apart parameter by parameter, so
a valid sweep of many parameters costs a few builds of the base scenario.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Collection
from typing import Any

from pydantic import ValidationError

from sim.engine.columns import summary_columns
from sim.engine.compile import build, note, policy_checks, replace_policies
from sim.engine.outcome import LABELS, labels
from sim.errors import Problem, ScenarioError, did_you_mean
from sim.experiments.chunk import set_path
from sim.policies import REGISTRY as POLICIES
from sim.scenario.distributions import TAIL
from sim.scenario.loader import unshared_copy
from sim.scenario.schema import PolicySpec, Scenario
from sim.scenario.yamlio import Located, clip, dotted

__all__ = [
    "CENSORED_OUTPUT",
    "censored_output",
    "check_against_base",
    "check_outputs",
    "check_policies",
    "extremes",
    "policy_parameters",
]

#: Outputs of the deal day censored at a day N: ``deal_by_<N>`` (P(deal by day N)) and
#: ``rmst_deal_<N>`` (the restricted mean deal day up to N); N a positive number of days.
CENSORED_OUTPUT = re.compile(r"^(deal_by|rmst_deal)_(\d+(?:\.\d+)?)$")


def censored_output(name: str) -> tuple[str, float] | None:
    """``("deal_by" | "rmst_deal", N)`` for a censored output's name, else None."""
    m = CENSORED_OUTPUT.match(name)
    return (m.group(1), float(m.group(2))) if m else None


#: (where in the sweep file, as a key path; the value)
Extreme = tuple[tuple[Any, ...], Any]


def extremes(param: Any, index: int) -> list[Extreme]:
    """The values of a sweep parameter to try on the base scenario, each with its key path in the sweep file."""
    at: tuple[Any, ...] = ("parameters", index)
    if param.values is not None:
        chosen: set[int] = set()
        numeric = [(v, j) for j, v in enumerate(param.values) if _number(v)]
        if numeric:
            chosen |= {min(numeric)[1], max(numeric)[1]}
            chosen |= {j for j in {type(v): j for v, j in reversed(numeric)}.values()}  # one of each type
        others = {repr(v): j for j, v in reversed(list(enumerate(param.values))) if not _number(v)}
        chosen |= set(others.values())  # every other value (text, lists, ...)
        return [((*at, "values", j), param.values[j]) for j in sorted(chosen)]
    if param.dist is not None:
        d = param.dist
        if hasattr(d, "values"):  # choice
            return [((*at, "dist", "values", j), v) for j, v in enumerate(dict.fromkeys(d.values))]
        lo, hi = d.bounds()
        if lo == hi:  # fixed
            return [((*at, "dist"), lo)]
        f = d.frozen()
        qs = [float(f.ppf(TAIL)), float(f.ppf(0.5)), float(f.isf(TAIL))]
        return [((*at, "dist"), q) for q in dict.fromkeys(qs) if math.isfinite(q)]
    return [((*at, "low"), float(param.low)), ((*at, "high"), float(param.high))]


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_against_base(params: list[Any], sweep: Located, raw: dict[str, Any], source: str) -> list[Problem]:
    """Problems of ``params`` (a sweep's parameters) set into the base scenario ``raw``, one line each.

    The policy parameters of an actor that has several are checked together, every
    combination of their values (:func:`check_policies`): alone, a value may not fit the
    base's other parameters that the sweep also sets (a ``types_bn`` of another length
    than the base's ``prior``, swept to ``null`` too).
    """
    problems: dict[int, Problem] = {}
    trials: list[list[tuple[int, Extreme]]] = []
    joint = {i for idx in policy_parameters(params).values() if len(idx) > 1 for i in idx}
    for i, p in enumerate(params):
        if i in joint:
            continue
        for k, ext in enumerate(extremes(p, i)):
            while len(trials) <= k:
                trials.append([])
            trials[k].append((i, ext))
    for trial in trials:
        pending = [(i, ext) for i, ext in trial if i not in problems]
        _check_together(params, pending, raw, source, sweep, problems)
    found = [problems[i] for i in sorted(problems)]
    return found + check_policies(params, sweep, raw, source, set(problems))


def _check_together(
    params: list[Any],
    pending: list[tuple[int, Extreme]],
    raw: dict[str, Any],
    source: str,
    sweep: Located,
    problems: dict[int, Problem],
) -> None:
    if not pending:
        return
    data = unshared_copy(raw)
    try:
        for i, (_, value) in pending:
            set_path(data, params[i].path, value)
        replace_policies(data, raw, [params[i].path for i, _ in pending])
        build(data, Located(data, source, {}), {})
        return
    except ScenarioError:
        pass
    for i, (where, value) in pending:  # something is wrong: find which parameters, one at a time
        why = _alone(params[i].path, value, raw, source)
        if why is not None:
            problems[i] = Problem(
                sweep.where(where),
                "parameters." + ".".join(map(str, where[1:])),
                f"{params[i].path} = {value!r}: not valid in the base scenario: {why}",
            )


def _alone(path: str, value: Any, raw: dict[str, Any], source: str) -> str | None:
    """The scenario's message for ``path`` set to ``value`` alone (None: valid)."""
    data = unshared_copy(raw)
    try:
        set_path(data, path, value)
        replace_policies(data, raw, [path])
        build(data, Located(data, source, {}), {})
    except ScenarioError as exc:
        return "; ".join(f"{p.path}: {p.message}" if p.path else p.message for p in exc.problems)[:500]
    return None


def check_outputs(outputs: list[str], params: list[Any], sc: Scenario, sweep: Located) -> list[Problem]:
    """Outputs must be what :func:`sim.analysis.sensitivity.output_per_point` can read:
    an outcome class, ``deal_day``, ``deal_by_<N>``, ``rmst_deal_<N>`` (N up to the horizon)
    or a numeric column of the summary."""
    known = labels(sc.actors)
    known += [c for c in summary_columns(sc) if c not in ("outcome", "run", "seed")]
    known += [f"sweep.{p.path}" for p in params]
    found = []
    horizon = float(sc.meta.horizon_days)
    for j, out in enumerate(outputs):
        censored = censored_output(out)
        if censored is not None:
            if not 0 < censored[1] <= horizon:
                found.append(
                    Problem(
                        sweep.where(("outputs", j)),
                        f"outputs.{j}",
                        f"output '{out}': day {censored[1]:g} must be above 0 and at most the horizon "
                        f"({horizon:g} days)",
                    )
                )
        elif out not in known:
            found.append(
                Problem(
                    sweep.where(("outputs", j)),
                    f"outputs.{j}",
                    f"unknown output '{out}'{did_you_mean(out, known)}: an outcome class "
                    f"({', '.join(LABELS)}, capitulation_<actor>) or a summary column "
                    "(deal_day, payoff_<actor>, ...), or deal_by_<N> / rmst_deal_<N> for a day N",
                )
            )
    return found


# ------------------------------------------------------------------ policy combinations
#: Most combinations of one actor's policy values checked (each a validation of the
#: policy's parameters, ~0.1 ms): a design that needs more is refused (chosen limit).
MAX_COMBINATIONS = 20_000
#: Most failing combinations reported (they usually share one cause).
MAX_SHOWN = 5
_POLICY = re.compile(r"^actors\.([^.]+)\.policy(?:\.|$)")


def policy_parameters(params: list[Any]) -> dict[str, list[int]]:
    """The indices of the parameters that set an actor's policy (``actors.X.policy...``), by actor."""
    by_actor: dict[str, list[int]] = {}
    for i, p in enumerate(params):
        m = _POLICY.match(p.path)
        if m:
            by_actor.setdefault(m.group(1), []).append(i)
    return by_actor


def check_policies(
    params: list[Any], sweep: Located, raw: dict[str, Any], source: str, skip: Collection[int] = ()
) -> list[Problem]:
    """Every combination of the values of an actor's policy name and parameters, validated as a policy.

    A point sets each parameter as ``--set`` does, so a point that sets a policy name
    replaces the policy (the base's parameters the new one does not accept are
    dropped; a note on stderr says which). Numbers are tried at their extremes
    (:func:`extremes`), every other value as given. A sweep that records series must
    record the same columns at every point (a ``bayesian`` policy adds its belief's).
    ``skip``: parameters already found wrong on their own (their combinations are not tried).
    """
    jobs = {a: idx for a, idx in policy_parameters(params).items() if not set(skip) & set(idx)}
    if not jobs:
        return []
    base = build(unshared_copy(raw), Located(raw, source, {}), {})
    problems: list[Problem] = []
    notes: dict[str, None] = {}
    for actor, idx in jobs.items():
        options = [extremes(params[i], i) for i in idx]
        count = math.prod(len(o) for o in options)
        where = sweep.where(("parameters", idx[0]))
        if count > MAX_COMBINATIONS:
            problems.append(
                Problem(
                    where,
                    f"parameters.{idx[0]}",
                    f"the policy parameters of {actor} make {count:,} combinations to check; at most "
                    f"{MAX_COMBINATIONS:,}: give fewer values",
                )
            )
            continue
        failed: dict[str, list[str]] = {}
        series: dict[tuple[str, ...], str] = {}
        for combo in itertools.product(*options):
            values = {params[i].path: value for i, (_, value) in zip(idx, combo)}
            shown = ", ".join(f"{k} = {clip(repr(v), 40)}" for k, v in values.items())
            why = _policy_problem(base, raw, actor, values, notes)
            if isinstance(why, str):
                failed.setdefault(why, []).append(shown)
            else:
                series.setdefault(tuple(why), shown)
        for why, combos in list(failed.items())[:MAX_SHOWN]:
            more = f" (and {len(combos) - 1} more)" if len(combos) > 1 else ""
            problems.append(
                Problem(where, f"parameters.{idx[0]}", f"the combination {combos[0]}{more} is not valid: {why}")
            )
        if len(failed) > MAX_SHOWN:
            problems.append(
                Problem(where, f"parameters.{idx[0]}", f"{len(failed) - MAX_SHOWN} more invalid combinations")
            )
        if len(series) > 1 and isinstance(sweep.data, dict) and sweep.data.get("record_series") is True:
            (a, at_a), (b, at_b) = list(series.items())[:2]
            problems.append(
                Problem(
                    sweep.where(("record_series",)),
                    "record_series",
                    f"the points record different series columns ({at_a}: {', '.join(a) or 'none'} of "
                    f"{actor}'s policy; {at_b}: {', '.join(b) or 'none'}), which cannot be one table: "
                    "set record_series: false (the summary has every run)",
                )
            )
    for line in notes:
        note(f"sweep {sweep.source}: {line}")
    return problems


def _policy_problem(
    base: Scenario, raw: dict[str, Any], actor: str, values: dict[str, Any], notes: dict[str, None]
) -> str | list[str]:
    """Why ``actor``'s policy with ``values`` set (dotted path -> value) is not valid; if it is,
    the series columns it records."""
    actors = raw.get("actors")
    spec = actors.get(actor) if isinstance(actors, dict) else None
    data: dict[str, Any] = {"actors": {}}
    if isinstance(spec, dict):
        data["actors"][actor] = {k: unshared_copy(v) for k, v in spec.items() if k == "policy"}
    try:
        for path, value in values.items():
            set_path(data, path, value)
    except ScenarioError as exc:
        return "; ".join(p.message for p in exc.problems)
    for swap in replace_policies(data, raw, values):
        line = swap.note()
        if line is not None:
            notes[line] = None
    try:
        policy = PolicySpec.model_validate(data["actors"][actor]["policy"])
    except ValidationError as exc:
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    one = base.model_copy(update={"actors": {actor: base.actors[actor].model_copy(update={"policy": policy})}})
    found = [f"{dotted(p)}: {m}" for p, m in policy_checks(one)]
    if found:
        return "; ".join(found)[:500]
    return list(POLICIES[policy.name].series_fields(actor, policy.params))
