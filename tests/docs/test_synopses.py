"""Inline commands the docs name but do not run: their subcommands, options and scripts exist.

Synopses such as ```tradesim sweep SWEEP.yaml [--executor ...] [--dry-run]``` (README's command
table) are not runnable as written; every option one names must still be an option of that
command, and a repository script named by its path (```python benchmarks/bench_run.py```) must
exist. (Inline ``make`` targets run as ``make -n`` in test_shell_blocks.py.)
"""

from __future__ import annotations

import re

import pytest

from .markdown import ROOT, inline_code

SYNOPSES = [(p, n, t) for p, n, t in inline_code() if t.split()[:1] == ["tradesim"] and len(t.split()) > 1]
SCRIPTS = [(p, n, t) for p, n, t in inline_code() if re.match(r"python3? [\w.-]+/[\w/.-]+\.py\b", t)]


def command_and_options(text: str):
    """The parser a synopsis names (``tradesim analyze sensitivity``) and the options it shows."""
    from sim.cli.main import build_parser

    parser, path = build_parser(), ["tradesim"]
    for word in text.split()[1:]:
        subs = [a for a in parser._actions if a.choices and not a.option_strings]
        if not subs or word not in subs[0].choices:
            break
        parser = subs[0].choices[word]
        path.append(word)
    shown = re.findall(r"(?<![\w-])(--[a-z][\w-]*)", text)
    return " ".join(path), parser, shown


@pytest.mark.parametrize("page,line,text", SYNOPSES, ids=[f"{p}:{n}:{t.split()[1]}" for p, n, t in SYNOPSES])
def test_synopsis_options_exist(page, line, text):
    name, parser, shown = command_and_options(text)
    if name == "tradesim":  # no subcommand: only options of tradesim itself (`tradesim --version`)
        assert text.split()[1].startswith("--"), f"{page}:{line}: `{text}`: no such tradesim command"
    known = {s for a in parser._actions for s in a.option_strings}
    unknown = [o for o in shown if o not in known]
    assert not unknown, f"{page}:{line}: `{text}`: {name} has no option {unknown}; it has {sorted(known)}"


def test_named_scripts_exist():
    """Every script an inline ``python path/to/script.py`` names is in the repository (one test over
    all of them: a page may name none, and an empty set must not turn into a skipped test)."""
    missing = [f"{p}:{n}: `{t}`" for p, n, t in SCRIPTS if not (ROOT / t.split()[1]).is_file()]
    assert not missing, "named scripts not in the repository:\n" + "\n".join(missing)


def test_synopses_resolve_nested_commands_and_catch_unknown_options():
    name, parser, shown = command_and_options("tradesim analyze sensitivity RESULTS [--output NAME ...] [--bogus]")
    known = {s for a in parser._actions for s in a.option_strings}
    assert name == "tradesim analyze sensitivity" and shown == ["--output", "--bogus"]
    assert "--output" in known and "--bogus" not in known
