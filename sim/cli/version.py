"""``tradesim --version``: the package version, and the git commit when tradesim runs from a checkout.

The version is the installed package's (``importlib.metadata``); a source tree that was
never installed falls back to the ``version`` of its ``pyproject.toml``. Computed only
when asked for, so start-up does not pay for it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

#: The folder above ``sim/``: a checkout when it holds tradesim's pyproject.toml.
ROOT = Path(__file__).resolve().parent.parent.parent


def pyproject_version(root: Path = ROOT) -> str | None:
    """``project.version`` of ``root/pyproject.toml`` if it is tradesim's, else ``None``."""
    import tomllib

    try:
        with open(root / "pyproject.toml", "rb") as f:
            project = tomllib.load(f).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    if project.get("name") != "tradesim" or not isinstance(project.get("version"), str):
        return None
    return project["version"]


def package_version() -> str:
    """The installed version of tradesim, else the checkout's, else ``unknown``."""
    from importlib import metadata

    try:
        return metadata.version("tradesim")
    except metadata.PackageNotFoundError:
        return pyproject_version() or "unknown"


def git_commit(root: Path = ROOT) -> str | None:
    """The short commit of the checkout tradesim runs from (``None`` outside one, or without git)."""
    import subprocess

    if pyproject_version(root) is None or not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and commit else None


def version_line() -> str:
    """``tradesim 0.1.0``, with ``(git <commit>)`` in a checkout."""
    commit = git_commit()
    return f"tradesim {package_version()}" + (f" (git {commit})" if commit else "")


class VersionAction(argparse.Action):
    """``--version``: print :func:`version_line` to stdout and exit 0 (computed only when given)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # type: ignore[no-untyped-def]
        print(version_line())
        parser.exit(0)
