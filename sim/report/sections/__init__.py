"""Report sections, in a registry: one module per section, each registered with an order key.

A section is a function ``render(page, report)`` that adds headings, figures and
tables for one :class:`Report` (the stored results of one folder). Adding a
section is one new module here with ``@section("name", order=...)``; the report
builder draws every registered section in ascending ``order`` and needs no edit.

>>> from sim.report.sections import REGISTRY, ordered
>>> [s.name for s in ordered()][:3]
['intro', 'headline', 'outcomes']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sim.registry import Registry
from sim.report.page import Page
from sim.results.table import StoredTable


@dataclass(frozen=True)
class Report:
    """What every section may read: one results folder.

    ``summary`` holds the runs that finished (failed runs are left out of every
    figure, see :func:`sim.analysis.tables.successful_runs`); ``failed`` counts the others.
    The tables are :class:`~sim.results.table.StoredTable` s: a section reads the columns
    it needs (``report.summary["deal_day"]``, a pandas Series) or streams batches, never a
    whole table, so a report of 100,000 runs needs no more memory than one of 1,000.
    DataFrames given here are wrapped as tables in memory.
    """

    folder: Path
    manifest: dict
    scenario: dict
    summary: StoredTable
    events: StoredTable
    series: StoredTable
    failed: int = 0
    #: The run the run explorer shows first (``tradesim report --run``); None: its own choice.
    run: int | None = None

    def __post_init__(self) -> None:
        for name in ("summary", "events", "series"):
            object.__setattr__(self, name, StoredTable.of(getattr(self, name)))

    @property
    def meta(self) -> dict:
        return self.scenario["meta"]

    @property
    def start(self) -> dt.date:
        return dt.date.fromisoformat(self.meta["start"])

    @property
    def horizon(self) -> float:
        return float(self.meta["horizon_days"])


class Section(Protocol):
    name: str
    order: int

    def __call__(self, page: Page, report: Report) -> None: ...


#: Every report section, by name; modules of ``sim.report.sections`` register theirs.
REGISTRY: Registry[Section] = Registry("report section", "sim.report.sections")


def section(name: str, order: int) -> Callable[[Callable[[Page, Report], None]], Section]:
    """Decorator: register ``render(page, report)`` as the section ``name``, drawn in ascending ``order``."""

    def deco(render: Callable[[Page, Report], None]) -> Section:
        render.name = name  # type: ignore[attr-defined]
        render.order = order  # type: ignore[attr-defined]
        return REGISTRY.register(name)(render)  # type: ignore[return-value]

    return deco


def ordered() -> list[Section]:
    """Every registered section, in drawing order (ties by name)."""
    return sorted(REGISTRY.values(), key=lambda s: (s.order, s.name))
