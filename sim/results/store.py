"""Former home of the results writers, kept so that existing imports keep working.

New code imports from :mod:`sim.results.atomic`, :mod:`sim.results.provenance`,
:mod:`sim.results.manifest` and :mod:`sim.results.folder`.
"""
from __future__ import annotations

from sim.results.atomic import atomic_write_table, atomic_write_text
from sim.results.manifest import RUN_TABLES as TABLES
from sim.results.manifest import read_manifest
from sim.results.provenance import git_commit, new_run_id, scenario_hash, tradesim_version, versions

__all__ = ["TABLES", "atomic_write_table", "atomic_write_text", "git_commit", "new_run_id", "read_manifest",
           "scenario_hash", "tradesim_version", "versions"]
