"""``sim.run`` checks its arguments before any work, with the bounds of the command line;
a ``--scheduler`` that is not a Dask scheduler is refused before a results folder exists."""

from __future__ import annotations

import math
import socket
import threading
from pathlib import Path

import pytest
import yaml

import sim
from sim.errors import UsageError
from sim.experiments.sweeps import run_sweep

from ..conftest import ROOT

TEMPLATE = "scenarios/student_template.yaml"


@pytest.mark.parametrize(
    "kw, says",
    [
        ({"seed": -1}, "seed is a whole number from 0"),
        ({"seed": "abc"}, "seed is a whole number"),
        ({"seed": math.nan}, "seed is a whole number"),
        ({"seed": 2**70}, "found 1,180,591,620,717,411,303,424"),
        ({"seed": True}, "seed is a whole number"),
        ({"runs": True}, "runs is a whole number"),
        ({"runs": 0}, "runs is a whole number from 1 to 1,000,000"),
        ({"runs": 10**12}, "runs is a whole number from 1 to 1,000,000"),
        ({"runs": 2.5}, "runs is a whole number"),
        ({"workers": 0}, "workers is a whole number from 1 to 1,024"),
        ({"workers": "2"}, "workers is a whole number"),
        ({"overrides": "meta.horizon_days=10"}, "a list of 'dotted.path=value' strings"),
    ],
)
def test_bad_arguments_are_usage_errors_before_any_work(tmp_path, kw, says):
    with pytest.raises(UsageError, match=says.replace("(", r"\(")):
        sim.run(TEMPLATE, **{"runs": 2, "workers": 1, "out": tmp_path / "o", **kw})
    assert not (tmp_path / "o").exists()
    assert issubclass(UsageError, Exception)


def test_numpy_integers_are_whole_numbers(tmp_path):
    import numpy as np

    res = sim.run(TEMPLATE, runs=np.int64(2), seed=np.uint32(3), workers=1, out=None)
    assert len(res.summary) == 2


def _http_server() -> tuple[socket.socket, int]:
    """A server on 127.0.0.1 that answers every connection with an HTTP error page."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()

    def serve() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            conn.sendall(b"HTTP/1.0 400 Bad Request\r\nContent-Type: text/html\r\n\r\n<html>no</html>\n")
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return srv, srv.getsockname()[1]


def test_a_scheduler_that_is_not_dask_is_refused_and_nothing_is_written(tmp_path):
    spec = {"name": "s", "scenario": str(ROOT / TEMPLATE), "replications": 2, "parameters": []}
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(spec), encoding="utf-8")
    srv, port = _http_server()
    try:
        with pytest.raises(UsageError, match=rf"^--scheduler tcp://127.0.0.1:{port} is not a Dask scheduler \("):
            run_sweep(str(f), out=str(tmp_path / "o"), scheduler=f"tcp://127.0.0.1:{port}", quiet=True)
    finally:
        srv.close()
    assert not Path(tmp_path / "o").exists()
