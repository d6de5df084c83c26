"""The design registry: how a sweep turns its parameters into design points.

A design is a function from the sweep spec to a DataFrame with one row per point
and one column per parameter path. Register one with ``@design("name")`` in a new
module of this package; a sweep file can then say ``design: name``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from sim.registry import Registry


class DesignSpec(Protocol):
    """What a design reads from a sweep spec (:class:`sim.experiments.sweepfile.SweepSpec`)."""

    parameters: list[Any]
    points: int
    seed: int
    second_order: bool
    morris_levels: int

    def problem(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Design:
    """A registered design.

    ``needs_range``: every parameter must be a low/high range (SALib samplers);
    ``takes_parameters``: False for a design of one point (Monte Carlo);
    ``seeding``: the :mod:`sim.experiments.seeding` scheme of its runs;
    ``indices``: the sensitivity estimator its sample is built for (``tradesim analyze sensitivity``).
    """

    name: str
    matrix: Callable[[DesignSpec], pd.DataFrame]
    summary: str = ""
    needs_range: bool = False
    takes_parameters: bool = True
    seeding: str = "point_replication"
    indices: str | None = None  # the sensitivity estimator its sample is built for: "sobol", "morris"


#: Every design, by name; the modules of this package are imported on first lookup.
REGISTRY: Registry[Design] = Registry("design", "sim.experiments.designs")


def design(
    name: str,
    summary: str = "",
    needs_range: bool = False,
    takes_parameters: bool = True,
    seeding: str = "point_replication",
    indices: str | None = None,
) -> Callable[[Callable[[DesignSpec], pd.DataFrame]], Callable[[DesignSpec], pd.DataFrame]]:
    """Decorator: register a design-matrix function under ``name``."""

    def deco(fn: Callable[[DesignSpec], pd.DataFrame]) -> Callable[[DesignSpec], pd.DataFrame]:
        REGISTRY.register(Design(name, fn, summary, needs_range, takes_parameters, seeding, indices))
        return fn

    return deco


def one_point(spec: DesignSpec) -> pd.DataFrame:
    """The design of a sweep with no parameters: one point, no columns."""
    return pd.DataFrame(index=range(1))


def from_unit(spec: DesignSpec, u: np.ndarray) -> pd.DataFrame:
    """Map points of the unit cube (one column per parameter) onto the parameters."""
    return pd.DataFrame({p.path: p.from_unit(u[:, j]) for j, p in enumerate(spec.parameters)})


def design_matrix(spec: Any) -> pd.DataFrame:
    """One row per point, one column per parameter path (index = point number).

    A sweep with no parameters is one point whatever its design: a Monte Carlo.
    """
    if not spec.parameters:
        return one_point(spec)
    return REGISTRY[spec.design].matrix(spec)
