"""Results folders: the one place that reads and writes them.

``atomic`` (atomic file writes), ``provenance`` (versions, commit, hashes, run
ids), ``manifest`` (``manifest.json`` and its ``status``), ``parts`` (chunks
streamed to ``parts/`` and consolidated), ``folder`` (:class:`ResultsFolder`
for writing, :class:`Results` and :func:`load_results` for reading).
"""

from __future__ import annotations

from sim.results.manifest import read_manifest, require_complete

__all__ = ["read_manifest", "require_complete"]
