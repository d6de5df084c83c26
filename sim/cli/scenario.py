"""``tradesim validate`` and ``tradesim schema``: scenario and sweep files, and the scenario schema."""

from __future__ import annotations

import argparse
import sys


def add_parsers(sub) -> None:
    v = sub.add_parser(
        "validate",
        help="check scenario or sweep files and report every error",
        description="Check scenario files against the schema and the cross-field rules, or sweep files (told by "
        "their keys) with their scenario and every combination of their factors, and report every problem at "
        "once, as file:line:column: key: what was expected (exit 2 if any).",
    )
    v.add_argument(
        "files", nargs="+", metavar="FILE", help="scenario or sweep YAML files (a sweep is told by its keys)"
    )

    sc = sub.add_parser(
        "schema",
        help="print the JSON Schema of a scenario file",
        description="Print the JSON Schema of a scenario file (editors with a YAML language server use it to "
        "complete and check keys), or with --markdown the key reference.",
    )
    sc.add_argument("--markdown", action="store_true", help="print the key reference as Markdown instead")


def _check(path: str) -> tuple[list, str]:
    """(problems, what to print when there are none) of one scenario or sweep file."""
    from sim.engine.compile import validate_files
    from sim.errors import ScenarioError
    from sim.experiments.sweepvalidate import is_sweep, validate_sweep
    from sim.scenario.yamlio import load_file

    try:
        doc = load_file(path)
    except ScenarioError as exc:
        return exc.problems, ""
    if not is_sweep(doc.data):
        return validate_files([path]), "ok"
    try:
        return [], validate_sweep(path)
    except ScenarioError as exc:
        return exc.problems, ""


def _cmd_validate(args: argparse.Namespace) -> int:
    problems = []
    done = []
    for f in args.files:
        found, ok = _check(f)
        problems += found
        if not found:
            done.append(f"{f}: {ok}")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 2
    for line in done:
        print(line)
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from sim.scenario.reference import reference_markdown, schema_text

    sys.stdout.write(reference_markdown() + "\n" if args.markdown else schema_text())
    return 0


COMMANDS = {"validate": _cmd_validate, "schema": _cmd_schema}
