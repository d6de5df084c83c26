"""A results folder: ``results/<name>/<id>/`` with parquet tables and ``manifest.json``.

Writing (:class:`ResultsFolder`): the folder and its manifest (``status: running``)
exist from the start; each finished chunk goes to ``parts/``; at the end the parts
are consolidated in chunk order and ``status: complete`` is written last. A rerun
of a resumable command reopens the folder and skips the chunks on disk.

Reading (:func:`load_results`, :class:`Results`) is :mod:`sim.results.reading`; the
names are importable from here too.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import UsageError
from sim.results.manifest import COMPLETE, RUNNING, read_manifest, write_manifest
from sim.results.parts import PARTS, consolidate, done_chunks, write_parts
from sim.results.reading import Results as Results  # the readers, where they always were
from sim.results.reading import failed_runs as failed_runs
from sim.results.reading import load_results as load_results
from sim.results.reading import successful_runs as successful_runs

if TYPE_CHECKING:
    import pyarrow as pa

#: Seconds between manifest rewrites while chunks come in (progress is advisory;
#: the parts on disk are what a resume trusts).
MANIFEST_EVERY_S = 2.0


class ResultsFolder:
    """One results folder being written, chunk by chunk.

    Parameters
    ----------
    path : the folder.
    manifest : its manifest (kept up to date here and written to disk).
    """

    def __init__(self, path: Path, manifest: dict[str, Any]) -> None:
        self.path = Path(path)
        self.manifest = manifest
        self._written = time.monotonic()
        self._lock: int | None = None

    @classmethod
    def create(
        cls, path: Path, manifest: dict[str, Any], tables: Iterable[str], runs: int, chunks: int
    ) -> ResultsFolder:
        """Open ``path`` for writing; reuse its manifest if it exists (resume), else start one."""
        path = Path(path)
        try:
            (path / PARTS).mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file in the way, no permission, a name too long: before any run
            raise UsageError(f"cannot create the results folder {path}: {exc.strerror or exc}") from None
        lock = take_lock(path)
        try:
            if (path / "manifest.json").is_file():
                manifest = read_manifest(path)
            manifest.update(status=RUNNING, tables=list(tables))
            manifest.setdefault("progress", {})
            manifest["progress"].update(runs=runs, chunks=chunks)
        except BaseException:
            release_lock(lock)
            raise
        folder = cls(path, manifest)
        folder._lock = lock
        return folder

    def close(self) -> None:
        """Let another process write this folder (the lock also goes if this process dies)."""
        release_lock(self._lock)
        self._lock = None

    # ------------------------------------------------------------ chunks
    @property
    def tables(self) -> list[str]:
        return list(self.manifest["tables"])

    def done(self, n_chunks: int) -> set[int]:
        """Chunks already on disk."""
        return done_chunks(self.path, n_chunks, self.tables)

    def start(self, runs_done: int, chunks_done: int, failed: int = 0) -> None:
        """Record what a (re)start found on disk and write the manifest."""
        self.manifest["progress"].update(runs_done=runs_done, chunks_done=chunks_done, failed=failed)
        self.save()

    def write_chunk(self, chunk: int, tables: dict[str, pa.Table], runs: int, failed: int = 0) -> None:
        """Store one finished chunk and count it in the progress."""
        write_parts(self.path, chunk, tables, self.tables)
        p = self.manifest["progress"]
        p.update(
            runs_done=p.get("runs_done", 0) + runs,
            chunks_done=p.get("chunks_done", 0) + 1,
            failed=p.get("failed", 0) + failed,
        )
        if time.monotonic() - self._written > MANIFEST_EVERY_S:
            self.save()

    def save(self) -> None:
        write_manifest(self.path, self.manifest)
        self._written = time.monotonic()

    def set_status(self, status: str) -> None:
        self.manifest["status"] = status
        self.save()

    # ------------------------------------------------------------ ending
    def finish(self, n_chunks: int, keep_parts: bool = True, **extra: Any) -> Path:
        """Consolidate the parts into the tables, then mark the folder complete (last)."""
        consolidate(self.path, n_chunks, self.tables)
        if not keep_parts:
            shutil.rmtree(self.path / PARTS, ignore_errors=True)
        self.manifest.update(extra)
        self.set_status(COMPLETE)
        return self.path

    def discard(self) -> None:
        """Remove the folder (a run that is not resumable and did not finish)."""
        self.close()
        shutil.rmtree(self.path, ignore_errors=True)


#: Longest name of one folder level, in bytes (NAME_MAX of Linux and macOS file systems).
NAME_MAX = 255


def check_output_root(root: Path, *names: str) -> None:
    """Refuse, before any work, an output root that is a file or cannot be written.

    ``names``: folder levels that will be created under it (e.g. the scenario name),
    checked for length. Creates nothing.
    """
    root = Path(root)
    for name in names:
        if len(name.encode("utf-8")) > NAME_MAX:
            raise UsageError(
                f"the folder name '{name[:40]}...' is {len(name.encode('utf-8'))} bytes; "
                f"file systems allow {NAME_MAX} (shorten meta.name)"
            )
    probe = root
    while not probe.exists():
        if probe.is_symlink():
            raise UsageError(f"{root}: '{probe}' is a broken symbolic link")
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise UsageError(f"{root}: '{probe}' is a file, not a folder")
    if probe.exists() and not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(f"{root}: '{probe}' is not writable")


def take_lock(path: Path) -> int | None:
    """Lock the folder ``path`` for this process, or refuse: two writers would mix their parts.

    An advisory ``flock`` on the folder itself (no lock file to leave behind): the
    kernel drops it when the process exits, ``kill -9`` included, so a crashed
    writer never leaves the folder locked.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock (documented in docs/limits.md)
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise UsageError(
            f"{path} is being written by another tradesim process; wait for it to finish "
            f"(a rerun then resumes or finds it complete) or use another --out"
        ) from None
    return fd


def release_lock(fd: int | None) -> None:
    if fd is None:
        return
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
