"""Serial: every chunk runs in this process, when it is submitted."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any

from sim.experiments.executors.base import Executor, register


@register
class SerialExecutor(Executor):
    name = "serial"
    summary = "in this process, one chunk after another"

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        f: Future = Future()
        try:
            f.set_result(fn(*args))
        except BaseException as exc:
            f.set_exception(exc)
        return f

    def wait_any(self, futures: Iterable[Future], timeout: float | None = None) -> set[Future]:
        return set(futures)
