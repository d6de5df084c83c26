"""Results on disk: ``results/<scenario>/<run-id>/`` with parquet tables and a manifest.

A results folder is written under a temporary name and renamed into place when
complete, so a failure never leaves a half-written folder and never touches
results already on disk. Single files are written to a temporary name and
renamed too.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ("summary", "events", "series")


def scenario_hash(resolved: dict[str, Any]) -> str:
    """sha256 of the resolved scenario (canonical JSON)."""
    text = json.dumps(resolved, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def tradesim_version() -> str:
    """The installed version of tradesim (from the package metadata)."""
    from importlib import metadata

    try:
        return metadata.version("tradesim")
    except metadata.PackageNotFoundError:  # pragma: no cover - bare source tree
        return "0.0.0+unknown"


def versions() -> dict[str, str]:
    import numpy, pandas, pyarrow, pydantic, scipy, simpy  # noqa: E401
    return {"tradesim": tradesim_version(), "python": platform.python_version(), "numpy": numpy.__version__,
            "scipy": scipy.__version__, "simpy": simpy.__version__, "pydantic": pydantic.__version__,
            "pandas": pandas.__version__, "pyarrow": pyarrow.__version__}


def atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_table(path: Path, table: pa.Table) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def new_run_id(seed: int) -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-seed{seed}-{os.urandom(3).hex()}"


def write_results(root: Path, scenario_name: str, tables: dict[str, pa.Table],
                  manifest: dict[str, Any]) -> Path:
    """Write a complete results folder atomically; return its path."""
    parent = Path(root) / scenario_name
    parent.mkdir(parents=True, exist_ok=True)
    run_id = manifest.setdefault("run_id", new_run_id(manifest.get("seed", 0)))
    final = parent / run_id
    tmp = Path(tempfile.mkdtemp(prefix=f".{run_id}.", dir=parent))
    try:
        for name in TABLES:
            atomic_write_table(tmp / f"{name}.parquet", tables[name])
        manifest["status"] = "complete"
        atomic_write_text(tmp / "manifest.json", json.dumps(manifest, indent=2, default=str))
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def read_manifest(path: Path) -> dict[str, Any]:
    return json.loads((Path(path) / "manifest.json").read_text(encoding="utf-8"))
