"""Internal failures: one line on the terminal, the traceback in a log file.

The log goes into the results folder the command was writing, when there is one
(``error.log``), else into ``$XDG_STATE_HOME/tradesim/`` (``~/.local/state/tradesim/``
when ``XDG_STATE_HOME`` is not set), one file per failure. If the log cannot be
written either (a full disk), the line says so and the traceback goes to stderr.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import traceback
from pathlib import Path


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the driver is, so it stops like Ctrl-C (honest status, exit 143)."""


def on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def state_dir() -> Path:
    """Where logs go when there is no results folder."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "tradesim"


def _disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def internal_error(command: str, exc: BaseException, folder: Path | None = None) -> int:
    """Print one line about ``exc`` and where its traceback is; return exit code 1."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    candidates = [Path(folder) / "error.log"] if folder else []
    candidates.append(state_dir() / f"error-{stamp}-{os.getpid()}.log")
    log = None
    for path in candidates:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"tradesim {command} failed at {stamp}\n{text}\n")
            log = path
            break
        except OSError:
            continue
    what = (
        f"no space left for the results ({exc.strerror or exc}); earlier results are intact"
        if _disk_full(exc)
        else f"internal error in '{command}': {type(exc).__name__}: {exc}".splitlines()[0][:500]
    )
    where = f"; details in {log}" if log else "; the log could not be written either, traceback follows"
    print(f"tradesim: {what}{where}", file=sys.stderr)
    if log is None:
        print(text, file=sys.stderr)
    return 1
