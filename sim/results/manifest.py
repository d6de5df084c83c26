"""``manifest.json``: what a results folder holds and whether it is complete.

A results folder exists from the moment its command starts. Its manifest carries
``status``: ``running`` while chunks are written (with ``progress``), then
``complete``, written last, after every table is in place. A job that stops early
records ``interrupted`` (Ctrl-C, SIGTERM, the watchdog) or ``failed`` (a failing
Monte Carlo run, ``--fail-fast``, an internal error), with the reason in ``stopped``
(:mod:`sim.experiments.execute`). A folder written before
the status field existed counts as complete when all its tables are there.

>>> import json, tempfile, pathlib
>>> from sim.results.manifest import read_manifest, require_complete, write_manifest
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_manifest(d, {"status": "running", "tables": ["summary"]})
>>> read_manifest(d)["status"]
'running'
>>> require_complete(d)
Traceback (most recent call last):
...
sim.errors.UsageError: ... is not complete (status: running): it is still being written, ...
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.errors import UsageError
from sim.results.atomic import atomic_write_text
from sim.results.provenance import now_utc

RUNNING = "running"
COMPLETE = "complete"
INTERRUPTED = "interrupted"
FAILED = "failed"
#: The tables of a Monte Carlo run, in the order they are written.
RUN_TABLES = ("summary", "events", "series")
MANIFEST = "manifest.json"


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest of the results folder ``path``."""
    f = Path(path) / MANIFEST
    if not f.is_file():
        raise UsageError(f"{path}: not a results folder (no manifest.json)")
    try:
        manifest = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise invalid(path, f"manifest.json cannot be read ({exc})") from None
    if not isinstance(manifest, dict):
        raise invalid(path, f"manifest.json holds a JSON {type(manifest).__name__}, not an object")
    for key, kind in (("status", str), ("tables", list), ("progress", dict), ("kind", str)):
        if key in manifest and not isinstance(manifest[key], kind):
            raise invalid(path, f"manifest.json's '{key}' is a {type(manifest[key]).__name__}, not a {kind.__name__}")
    if not all(isinstance(t, str) for t in manifest.get("tables", [])):
        raise invalid(path, "manifest.json's 'tables' is not a list of table names")
    return manifest


def invalid(path: str | Path, why: str) -> UsageError:
    """The error of a folder that is not what tradesim writes (one line)."""
    return UsageError(" ".join(f"{path} is not a valid results folder: {why}".split())[:1000])


def write_manifest(path: str | Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest`` (stamped ``updated``) into the folder ``path``, atomically."""
    manifest["updated"] = now_utc()
    atomic_write_text(Path(path) / MANIFEST, json.dumps(manifest, indent=2, default=str))


def expected_tables(manifest: dict[str, Any]) -> list[str]:
    """The tables a complete folder holds (older manifests do not list them)."""
    if "tables" in manifest:
        return list(manifest["tables"])
    return ["summary"] if manifest.get("kind") == "sweep" else list(RUN_TABLES)


def status(path: str | Path, manifest: dict[str, Any] | None = None) -> str:
    """The folder's status; a folder without one (written before it existed) is
    ``complete`` if all its tables are there, else ``running``."""
    manifest = read_manifest(path) if manifest is None else manifest
    if "status" in manifest:
        return str(manifest["status"])
    have = all((Path(path) / f"{t}.parquet").is_file() for t in expected_tables(manifest))
    return COMPLETE if have else RUNNING


def require_complete(path: str | Path) -> dict[str, Any]:
    """Return the manifest of ``path``; raise :class:`UsageError` unless it is complete."""
    manifest = read_manifest(path)
    s = status(path, manifest)
    if s != COMPLETE:
        why = f" ({manifest['stopped']})" if manifest.get("stopped") else ""
        advice = {
            RUNNING: "it is still being written, or the process writing it was killed; "
            "rerun the command that wrote it once it has stopped (a sweep resumes where it stopped)",
            INTERRUPTED: f"it was interrupted{why}; rerun the command that wrote it (a sweep resumes where it stopped)",
            FAILED: f"it failed{why}; see error.log in the folder if there is one, fix the cause and rerun",
        }.get(s, "rerun the command that wrote it")
        raise UsageError(f"{path} is not complete (status: {s}): {advice}")
    return manifest
