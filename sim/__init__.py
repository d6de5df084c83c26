"""tradesim: trade negotiations as games, simulated event by event.

>>> import sim
>>> sc = sim.load_scenario("scenarios/student_template.yaml")
>>> sc.meta.name
'student_template'
"""
from __future__ import annotations

__version__ = "0.1.0"

from .api import run  # noqa: E402
from .errors import ScenarioError  # noqa: E402
from .loader import load_scenario  # noqa: E402
from .results import Results, load_results  # noqa: E402

__all__ = ["run", "load_results", "load_scenario", "Results", "ScenarioError", "__version__"]
