"""Results folders: the one place that reads and writes them.

``atomic`` (atomic file writes), ``provenance`` (versions, commit, hashes, run
ids), ``manifest`` (``manifest.json`` and its ``status``), ``parts`` (chunks
streamed to ``parts/`` and consolidated), ``folder`` (:class:`ResultsFolder`
for writing), ``reading`` (:func:`load_results` and the lazy :class:`Results`),
``table`` (:class:`StoredTable`: a table read by column and by batch).
"""

from __future__ import annotations

from sim.results.manifest import read_manifest, require_complete

__all__ = ["read_manifest", "require_complete"]
