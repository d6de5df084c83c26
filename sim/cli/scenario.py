"""``tradesim validate`` and ``tradesim schema``: scenario files and their schema."""

from __future__ import annotations

import argparse
import sys


def add_parsers(sub) -> None:
    v = sub.add_parser(
        "validate",
        help="check scenario files and report every error",
        description="Check scenario files against the schema and the cross-field rules and report every problem "
        "at once, as file:line:column: key: what was expected (exit 2 if any).",
    )
    v.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")

    sc = sub.add_parser(
        "schema",
        help="print the JSON Schema of a scenario file",
        description="Print the JSON Schema of a scenario file (editors with a YAML language server use it to "
        "complete and check keys), or with --markdown the key reference.",
    )
    sc.add_argument("--markdown", action="store_true", help="print the key reference as Markdown instead")


def _cmd_validate(args: argparse.Namespace) -> int:
    from sim.engine.compile import validate_files

    problems = validate_files(args.files)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 2
    for f in args.files:
        print(f"{f}: ok")
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from sim.scenario.reference import reference_markdown, schema_text

    sys.stdout.write(reference_markdown() + "\n" if args.markdown else schema_text())
    return 0


COMMANDS = {"validate": _cmd_validate, "schema": _cmd_schema}
