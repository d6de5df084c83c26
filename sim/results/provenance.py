"""Provenance recorded in every manifest: versions, git commit, scenario hash, run id."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any


def scenario_hash(resolved: dict[str, Any]) -> str:
    """sha256 of the resolved scenario (canonical JSON)."""
    text = json.dumps(resolved, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def git_commit() -> str | None:
    """The commit of the source tree tradesim runs from, if it is a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, cwd=Path(__file__).resolve().parent
        )
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
    """Versions of tradesim, Python and the libraries that shape the numbers."""
    import numpy, pandas, pyarrow, pydantic, scipy, simpy  # noqa: E401

    return {
        "tradesim": tradesim_version(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "simpy": simpy.__version__,
        "pydantic": pydantic.__version__,
        "pandas": pandas.__version__,
        "pyarrow": pyarrow.__version__,
    }


def now_utc() -> str:
    """The current time, UTC, to the second (ISO 8601)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def new_run_id(seed: int) -> str:
    """A fresh folder name for one run: UTC time, seed and 6 random hex digits."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-seed{seed}-{os.urandom(3).hex()}"
