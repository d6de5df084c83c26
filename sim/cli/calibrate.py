"""``tradesim calibrate``: solve a scenario's ``calibrate`` motive weights and keep the record.

The weights are solved by revealed preference at the scenario's reference state
(:mod:`sim.engine.calibration`) with every uncertain parameter at its median, printed
as a table, and written to the record file named by ``calibration.file`` (relative to
the scenario; default ``<scenario stem>.calibration.yaml`` next to it), atomically.
``--check`` writes nothing and exits 1 when the record is missing or differs from what
would be written (the ``written:`` date aside). A reference state no weights can
rationalise is bad input: one line naming the weight and instruments, exit 2, and the
record file is left as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import sys
from pathlib import Path
from typing import Any

from sim.cli.parser import add_overrides

#: The first line of every record: a file without it is not overwritten.
HEADER = "# Calibration record of the motive weights of a tradesim scenario."
METHOD = "revealed preference at the reference state (Ossa 2014), no leverage term"
NOTE = (
    "Runs do not read this file: each run recalibrates the weights for its own sampled parameters "
    "(interval weights drawn uniformly, after the parameters, from the run's parameter stream). "
    "This record shows them at the central parameter values."
)
WRITTEN = "written:"


def add_parsers(sub) -> None:
    c = sub.add_parser(
        "calibrate",
        help="solve the 'calibrate' motive weights at the reference state and write their record",
        description="Solve the motive weights a scenario declares 'calibrate' by revealed preference: the weights "
        "under which the reference state is each side's best response, with every uncertain parameter at its "
        "median. Prints them and writes the record named by calibration.file (default: <scenario "
        "stem>.calibration.yaml next to the scenario). Runs do not read the record: each recalibrates for its own "
        "parameters.",
    )
    c.add_argument("scenario", help="scenario YAML file")
    add_overrides(c, "override a scenario value by dotted path (recorded in the record)")
    c.add_argument("--check", action="store_true", help="write nothing; exit 1 if the record is missing or stale")


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.engine.calibration import CalibrationError, calibrate, calibrated_keys, central_params
    from sim.engine.compile import load_scenario

    sc = load_scenario(args.scenario, args.overrides)
    if not calibrated_keys(sc):
        print(f"{args.scenario}: no motive weight is declared 'calibrate'; nothing to calibrate")
        return 0
    target = record_path(Path(args.scenario), sc)
    params = central_params(sc)
    try:
        cal = calibrate(sc, params)
    except CalibrationError as exc:
        print(f"tradesim: calibrate {args.scenario}: {exc}; {target} is unchanged", file=sys.stderr)
        return 2
    for flag in cal.flags:
        print(f"tradesim: warning: {flag.message()}", file=sys.stderr)
    text = record_text(sc, Path(args.scenario), target, params, cal, args.overrides)
    if args.check:
        return _check(target, text, args)
    _writable(target, Path(args.scenario))
    from sim.results.atomic import atomic_write_text

    atomic_write_text(target, text)
    print(table(sc, cal))
    print(f"record: {target}")
    return 0


COMMANDS = {"calibrate": _cmd_calibrate}


# ---------------------------------------------------------------------- the record
def record_path(scenario: Path, sc: Any) -> Path:
    """The record file of a scenario: ``calibration.file`` relative to the scenario file, or the default."""
    name = sc.calibration.file if sc.calibration is not None and sc.calibration.file else None
    return scenario.parent / (name or f"{scenario.stem}.calibration.yaml")


def _relative(scenario: Path, target: Path) -> str:
    """The scenario's path relative to the record's folder (the same whatever the working directory)."""
    return Path(os.path.relpath(scenario.resolve(), target.resolve().parent)).as_posix()


def _num(x: float, digits: int = 8) -> float:
    """A number rounded to ``digits`` significant digits (the record is compared as text)."""
    return float(f"{x:.{digits}g}") + 0.0  # + 0.0: no "-0.0"


def record(sc: Any, scenario: Path, target: Path, params: dict[str, float], cal: Any, overrides: list[str]) -> dict:
    """The record as a mapping (without the written date)."""
    from sim.engine.calibration import policy_horizon, policy_instruments
    from sim.engine.links import reference_values
    from sim.results.provenance import tradesim_version
    from sim.scenario.yamlio import read_bytes

    source: dict[str, Any] = {
        "name": sc.meta.name,
        "path": _relative(scenario, target),
        "sha256": hashlib.sha256(read_bytes(scenario)).hexdigest(),
    }
    if overrides:
        source["overrides"] = list(overrides)
    calib = sc.calibration
    weights = {}
    for key, (lo, hi) in cal.intervals.items():
        entry: dict[str, Any] = {"kind": "point" if cal.is_point(key) else "interval"}
        if cal.is_point(key):
            entry["value"] = _num(lo)
        else:
            entry["low"], entry["high"] = _num(lo), _num(hi)
        entry["identified_by"] = [_source(s) for s in cal.sources[key]]
        weights[key] = entry
    out = {
        "scenario": source,
        "tradesim_version": tradesim_version(),
        "method": METHOD,
        "reference_date": None if calib is None else calib.reference_date,
        "reference": {k: _num(v, 10) for k, v in reference_values(sc).items()},
        "revealed_choices": {a: [f"{a}.{n}" for n in policy_instruments(sc, a)] for a in sc.actors},
        "horizon_days": {a: _num(policy_horizon(sc, a)) for a in sc.actors},
        "parameters": {
            "at": "the median of each distribution (frozen().median())",
            "values": {k: _num(v, 10) for k, v in params.items()},
        },
        "weights": weights,
        "flags": [_flag(f) for f in cal.flags],
        "note": NOTE,
    }
    if calib is not None and calib.note:
        out["scenario_note"] = calib.note
    return out


def _source(s: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"instrument": s.instrument, "restriction": s.kind}
    if s.option is not None:
        out["compared_with"] = _num(s.option, 10)
    out["gives"] = {"pins": "the value", "lower": "a lower bound", "upper": "an upper bound"}[s.role]
    out["bound"] = _num(s.bound)
    return out


def _flag(f: Any) -> dict[str, Any]:
    return {
        "instrument": f.instrument,
        "kind": f.kind,
        "reference": _num(f.reference, 10),
        "best": _num(f.best, 10),
        "gain_bn": _num(f.gain_bn, 6),
    }


def record_text(sc: Any, scenario: Path, target: Path, params: dict[str, float], cal: Any, overrides: list[str]) -> str:
    """The record file's text; its last line is the ``written:`` date (UTC)."""
    import yaml

    body = yaml.safe_dump(record(sc, scenario, target, params, cal, overrides), sort_keys=False, allow_unicode=True)
    head = (
        f"{HEADER}\n"
        f"# Written by `tradesim calibrate` from {_relative(scenario, target)} (relative to this file): "
        "do not edit, rerun it;\n"
        "# `tradesim calibrate --check` tells whether this record is current (docs/scenarios.md, Calibration).\n"
    )
    return f"{head}{body}{WRITTEN} '{dt.datetime.now(dt.UTC).date().isoformat()}'\n"


def _comparable(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith(WRITTEN)]


def _check(target: Path, text: str, args: argparse.Namespace) -> int:
    redo = f"rerun `tradesim calibrate {' '.join([args.scenario, *(f'--set {o}' for o in args.overrides)])}`"
    try:
        old = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        print(f"tradesim: {target} is missing: {redo}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:
        print(f"tradesim: {target} cannot be read ({exc}): {redo}", file=sys.stderr)
        return 1
    if _comparable(old) != _comparable(text):
        print(f"tradesim: {target} is out of date (it differs from what would be written): {redo}", file=sys.stderr)
        return 1
    print(f"{target}: current")
    return 0


def _writable(target: Path, scenario: Path) -> None:
    """Refuse a record path that is the scenario itself, in a missing folder, or another file."""
    from sim.errors import UsageError

    if target.resolve() == scenario.resolve():
        raise UsageError(f"calibration.file names the scenario file itself ({target}); name another file")
    if not target.parent.is_dir():
        raise UsageError(f"the folder of the calibration record {target} does not exist")
    if target.exists():
        try:
            with open(target, encoding="utf-8") as f:
                first = f.readline().rstrip("\n")
        except (OSError, UnicodeDecodeError):
            first = ""
        if first != HEADER:
            raise UsageError(f"{target} exists and is not a calibration record; not overwritten")


# ---------------------------------------------------------------------- the table
def table(sc: Any, cal: Any) -> str:
    """The weights as an aligned table: key, point or [lo, hi], identifying instruments, kind."""
    rows = [("weight", "value", "identified by", "kind")]
    for key, (lo, hi) in cal.intervals.items():
        point = cal.is_point(key)
        value = f"{lo:.6g}" if point else f"[{lo:.6g}, {hi:.6g}]"
        by: dict[str, set[str]] = {}
        for s in cal.sources[key]:
            by.setdefault(s.instrument, set()).add(s.kind)
        ident = ", ".join(f"{i} ({'/'.join(sorted(k))})" for i, k in by.items())
        rows.append((key, value, ident, "point" if point else "interval"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    date = sc.calibration.reference_date if sc.calibration is not None else "the initial values"
    title = f"{sc.meta.name}: motive weights rationalising the reference state ({date}), parameters at their medians"
    return "\n".join([title, "", *lines])
