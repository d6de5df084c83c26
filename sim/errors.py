"""Errors a user can act on: every one names the file, line, column and key."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``where`` is ``file:line:column`` (or a pseudo-source such as ``--set``),
    ``path`` is the dotted key path inside the document.
    """

    where: str
    path: str
    message: str

    def __str__(self) -> str:
        path = f"{self.path}: " if self.path else ""
        return f"{self.where}: {path}{self.message}"


@dataclass
class ScenarioError(Exception):
    """One or more problems found in a scenario (or sweep) file.

    Raised by loading and validation; the CLI prints every problem and exits 2.
    """

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class UsageError(Exception):
    """A command-line argument that cannot be acted on (exit 2)."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest choice, or ``""``."""
    choices = [str(c) for c in choices]
    cutoff = 0.5 if len(str(word)) <= 4 else 0.6  # short names: one letter off is a typo
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=cutoff)
    if not close:
        lowered = {c.lower(): c for c in choices}
        if str(word).lower() in lowered:
            close = [lowered[str(word).lower()]]
    return f" (did you mean '{close[0]}'?)" if close else ""


def known(choices: Iterable[str]) -> str:
    """Format a list of known names for a message."""
    return ", ".join(sorted(str(c) for c in choices))
