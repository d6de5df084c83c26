"""What a newcomer sees first: ``--version``, a bare ``tradesim``, and help on every option."""

from __future__ import annotations

import argparse
import re
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from sim.cli import version
from sim.cli.main import START_HERE, build_parser, main, subparsers

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- --version
def test_version_prints_the_package_version_and_exits_0(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    out = capsys.readouterr().out
    assert stop.value.code == 0
    assert re.fullmatch(r"tradesim \S+( \(git [0-9a-f]{7,40}\))?\n", out), out
    assert out.split()[1] == metadata.version("tradesim")


def test_version_without_an_install_is_the_checkouts(monkeypatch):
    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    with open(ROOT / "pyproject.toml", "rb") as f:
        expected = tomllib.load(f)["project"]["version"]
    assert version.package_version() == expected


def test_only_tradesims_pyproject_gives_a_version(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\nversion = "9.9"\n')
    assert version.pyproject_version(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "tradesim"\nversion = "9.9"\n')
    assert version.pyproject_version(tmp_path) == "9.9"
    (tmp_path / "pyproject.toml").write_text("[project\n")  # broken: no version, no traceback
    assert version.pyproject_version(tmp_path) is None


def test_the_git_commit_is_the_checkouts_and_none_elsewhere(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "tradesim"\nversion = "9.9"\n')
    assert version.git_commit(tmp_path) is None  # not a git checkout
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    commit = version.git_commit(ROOT)
    if head.returncode == 0:  # the tests run from a checkout (a source archive has no .git)
        assert commit is not None and head.stdout.strip().startswith(commit)
    else:
        assert commit is None


# ---------------------------------------------------------------- a bare tradesim
def test_a_bare_tradesim_prints_the_help_and_where_to_start(capsys):
    assert main([]) == 0  # asking what it does is not an error
    out, err = capsys.readouterr()
    assert out.startswith("usage: tradesim") and err == ""
    assert START_HERE in out
    for command in ("run", "sweep", "game", "tournament", "report", "analyze", "calibrate", "rationality"):
        assert re.search(rf"^\s+{command}\s+\S", out, re.M), command
    scenario = START_HERE.split()[-1]
    assert (ROOT / scenario).is_file(), f"the start-here scenario {scenario} does not exist"


def test_help_shows_where_to_start_too(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0 and START_HERE in capsys.readouterr().out


def test_an_unknown_command_is_still_an_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["rnu"])
    assert stop.value.code == 2 and "invalid choice" in capsys.readouterr().err


# ---------------------------------------------------------------- help on everything
def missing_help(parser: argparse.ArgumentParser) -> list[str]:
    """Every command without a description, and every option, positional or command without help."""
    out = []
    for p in [parser, *subparsers(parser)]:
        if not (p.description or "").strip():
            out.append(f"{p.prog}: no description")
        for action in p._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            name = "/".join(action.option_strings) or action.dest
            if not (action.help or "").strip() or action.help == argparse.SUPPRESS:
                out.append(f"{p.prog} {name}: no help")
            for choice in getattr(action, "_choices_actions", []):  # the commands of a command group
                if not (choice.help or "").strip():
                    out.append(f"{p.prog} {choice.dest}: no help")
    return out


def test_every_command_option_and_positional_has_help():
    parser = build_parser()
    assert len(subparsers(parser)) >= 13  # 11 commands and the 2 analyses: the walk reaches them
    assert missing_help(parser) == []


def test_the_walk_finds_what_lacks_help():
    """The check above could fail: a command without a description, an option without help."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.nargs == argparse.PARSER)
    bare = sub.add_parser("bare", help="a command")
    bare.add_argument("thing")
    bare.add_argument("--flag", action="store_true", help="")
    assert missing_help(parser) == ["tradesim bare: no description", "tradesim bare thing: no help",
                                    "tradesim bare --flag: no help"]  # fmt: skip


def test_every_help_page_renders():
    """A stray '%' in a help string breaks --help only when it is printed: render them all."""
    parser = build_parser()
    for p in [parser, *subparsers(parser)]:
        text = p.format_help()
        assert text.startswith(f"usage: {p.prog}") and (p.description or "")[:20] in text.replace("\n", " ")
