"""Atomic writes: a file is written under a unique temporary name and renamed into place.

A reader therefore sees either the old file or the whole new one, never half of
it; a failed write leaves nothing behind. The file gets the permissions the umask
allows (``tempfile.mkstemp`` creates 0600 files, which a plain ``open`` would not).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def current_umask() -> int:
    """The process's umask (read from ``/proc`` where it can be, without changing it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)  # elsewhere: read it by setting it, and put it back at once
    os.umask(mask)
    return mask


def temporary_beside(path: Path) -> Path:
    """A new, unique, hidden file next to ``path`` with the permissions of a plain ``open``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~current_umask())
    return Path(tmp)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8), atomically."""
    path = Path(path)
    tmp = temporary_beside(path)
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_table(path: Path, table: pa.Table) -> None:
    """Write ``table`` to ``path`` as parquet (zstd), atomically."""
    path = Path(path)
    tmp = temporary_beside(path)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
