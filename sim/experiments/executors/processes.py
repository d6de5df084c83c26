"""Local processes: a ``ProcessPoolExecutor``; one worker runs inline.

How workers start (:func:`start_method`): on Linux, when the driver runs no other Python
thread, they are *forked* from the driver, which has imported what a chunk needs (numpy,
scipy, pyarrow, the engine): a worker is ready in milliseconds, where a spawned one spends
about a CPU-second importing them again (on 2 cores that was a tenth of the shipped
sweep's time). Elsewhere they are *spawned*, as before. The conditions for ``fork``:

- Linux (macOS's system libraries are not safe across ``fork``; Windows has none);
- no Python thread besides the main one (a notebook's kernel, a progress bar's refresh,
  a Dask client: a thread holding a lock at the fork would leave it held in the worker);
  on Python 3.12+ no operating-system thread either (CPython warns of ``fork`` in a
  multi-threaded process there). The native threads of the libraries the driver has
  imported by then (OpenBLAS's and Arrow's thread pools) re-initialise in the child
  through their ``pthread_atfork`` handlers, which is what made ``fork`` multiprocessing's
  default on Linux until Python 3.14;
- the workers are started when the executor is made, before the results folder is
  opened and its lock taken, and before the progress bar's thread exists.

A forked worker resets what it inherited from the driver: SIGTERM to the default
(the command line's handler raises in the driver; in a worker it would turn
``terminate()`` into an exception the pool catches), SIGINT ignored as for spawned workers.

Spawned workers do not re-run the driver's ``__main__``: a plain script that calls
``sim.run(...)`` without ``if __name__ == "__main__":`` works as written (the workers
need only the package; see :func:`main_not_rerun`).

Workers die with their driver, ``kill -9`` included: each worker runs a daemon
thread that checks once a second whether its parent is still the driver
(:func:`watch_parent`) and exits at once when it is not. ``PR_SET_PDEATHSIG``
(Linux ``prctl``) was the alternative; it is tied to the *thread* that started the
worker (the pool starts workers from whichever thread submits), is Linux only, and
would kill a worker whose starting thread ended; a poll of ``os.getppid()`` is
portable and costs one wake-up a second.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

from sim.experiments.executors.base import Executor, register
from sim.experiments.executors.serial import SerialExecutor

#: Seconds between a worker's checks that its driver is alive (a chosen limit: an
#: orphan lives at most this long; a check is one system call).
PARENT_POLL_S = 1.0


def watch_parent(parent: int, every: float = PARENT_POLL_S) -> None:
    """Exit this process as soon as its parent is no longer ``parent`` (it died)."""
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(every)


def init_worker(parent: int) -> None:
    """Worker initialiser: Ctrl-C is the driver's to handle; SIGTERM ends the worker (a
    forked worker inherits the driver's handlers); die with the driver."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=watch_parent, args=(parent,), name="watch-parent", daemon=True).start()


def start_method() -> str:
    """``fork`` where it is safe (see the module's documentation), else ``spawn``."""
    if sys.platform != "linux" or "fork" not in mp.get_all_start_methods():
        return "spawn"
    if threading.active_count() > 1:
        return "spawn"
    if sys.version_info >= (3, 12) and os_threads() > 1:
        return "spawn"
    return "fork"


def os_threads() -> int:
    """Threads of this process as the operating system counts them (Linux ``/proc``; 1 if unknown)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


@contextmanager
def main_not_rerun() -> Iterator[None]:
    """While workers start, hide where the driver's ``__main__`` came from, so they don't run it again.

    A spawned worker re-imports the driver's main script (``__file__``) or module (``__spec__``)
    to find what it was asked to run; ours run functions of the package only, so a user's script
    without ``if __name__ == "__main__":`` would otherwise start its Monte Carlo again inside every
    worker (and fail there). The pool starts workers inside ``submit``, which runs under this.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    spec, had_file, path = getattr(main, "__spec__", None), hasattr(main, "__file__"), getattr(main, "__file__", None)
    main.__spec__ = None
    if had_file:
        del main.__file__
    try:
        yield
    finally:
        main.__spec__ = spec
        if had_file:
            main.__file__ = path


@register
class ProcessesExecutor(Executor):
    name = "processes"
    summary = "local processes, all cores by default"

    def __init__(self, workers: int, scheduler: str | None = None, start: str | None = None) -> None:
        super().__init__(workers, scheduler)
        # one worker: no pool to start, the chunks run here (same tables either way)
        self.inline = SerialExecutor(1) if workers == 1 else None
        self.pool: ProcessPoolExecutor | None = None
        self.start_method = start or start_method()
        if self.inline is None:
            self.pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=mp.get_context(self.start_method),
                initializer=init_worker,
                initargs=(os.getpid(),),
            )
            # start every worker now: before the driver opens the results folder (a forked worker would
            # inherit its lock) and starts a progress bar's thread; spawned workers import while it does
            with main_not_rerun():
                for _ in range(workers):
                    self.pool.submit(os.getpid)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        if self.pool is None:
            return self.inline.submit(fn, *args)
        with main_not_rerun():
            return self.pool.submit(fn, *args)

    def wait_any(self, futures: Iterable[Future], timeout: float | None = None) -> set[Future]:
        return wait(list(futures), timeout=timeout, return_when=FIRST_COMPLETED)[0]

    def shutdown(self, wait: bool = True) -> None:
        if self.pool is None:
            return
        if wait:
            self.pool.shutdown(wait=True, cancel_futures=True)
            return
        # stopping early (Ctrl-C, SIGTERM, a failure): the chunks in flight are not wanted
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        manager = getattr(self.pool, "_executor_manager_thread", None)
        for p in processes:
            if p.is_alive():
                p.terminate()
        for p in processes:
            p.join(timeout=5)
        # let the pool's manager thread see its workers gone and stop now, not at interpreter exit, where
        # (under load) its last write to a closed pipe would print a traceback after our message
        if manager is not None and manager.is_alive():
            manager.join(timeout=5)
