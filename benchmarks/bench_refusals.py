"""How long each hostile input takes to be refused (the target: every refusal within 5 s on a 2-core machine).

Run: ``PYTHONPATH=. python benchmarks/bench_refusals.py [--quick]``. Prints one row
per hostile input: the seconds to the clean error in this process (the loader
alone), the seconds of the whole command as a user meets it (``tradesim validate``,
``tradesim sweep --dry-run``, ... in a fresh subprocess, start-up included), its
exit code and the first line of the message. Measured here, not asserted in tests
(the machine is shared). ``--quick``: the in-process column only, for the test that
keeps this script working.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.engine.compile import load_scenario
from sim.errors import ScenarioError, UsageError
from sim.experiments.executors.base import make_executor
from sim.experiments.sweepfile import load_sweep

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = (ROOT / "scenarios" / "student_template.yaml").read_text()


#: (what to call in this process, its argument, the tradesim command line that meets it)
Case = tuple[Callable[[object], object], object, list[str]]


def cases(tmp: Path, scheduler: str) -> dict[str, Case]:
    def write(name: str, text: str | bytes) -> Path:
        p = tmp / name
        p.write_bytes(text if isinstance(text, bytes) else text.encode())
        return p

    def scenario(path: Path) -> Case:
        return (load_scenario, path, ["validate", str(path)])

    def sweep(name: str, text: str) -> Case:
        path = write(name, "name: s\nscenario: base.yaml\n" + text)
        return (load_sweep, path, ["sweep", str(path), "--dry-run"])

    fifo = tmp / "fifo.yaml"
    os.mkfifo(fifo)
    write("base.yaml", TEMPLATE)
    ok_sweep = write("ok.yaml", "name: s\nscenario: base.yaml\nreplications: 2\n")
    lag = "parameters:\n  - {path: actors.US.reaction_lag_days, low: 0, high: 5000}\n"
    return {
        "3 GB-sized sparse file": scenario(_sparse(tmp / "huge.yaml", 3 << 30)),
        "3 MB file": scenario(write("big.yaml", b"a: " + b"1" * 3_000_000)),
        "/dev/zero": scenario(Path("/dev/zero")),
        "FIFO": scenario(fifo),
        "directory": scenario(tmp),
        "nesting 500 deep": scenario(write("deep.yaml", "a: " + "[" * 500 + "]" * 500)),
        "list of 400k items (1 MiB)": scenario(write("long.yaml", "a: [" + "1," * 400_000 + "1]")),
        "19,999 items: parsed, then refused": scenario(write("limit.yaml", "a: [" + "1234567.5," * 19_998 + "1]")),
        "alias bomb": scenario(write("bomb.yaml", _bomb())),
        "5000-digit integer": scenario(write("int.yaml", "meta: {horizon_days: 1" + "0" * 5000 + "}")),
        "unquoted invalid date": scenario(write("date.yaml", TEMPLATE.replace("start: ", "start: 2025-11-31 #", 1))),
        ".nan in a share": scenario(
            write("nan.yaml", TEMPLATE.replace("supplier_share: ", "supplier_share: .nan #", 1))
        ),
        "sweep seed 2^63": sweep("seed.yaml", f"seed: {2**63}\n"),
        "sweep of 10^10 runs": sweep(
            "design.yaml",
            "design: lhs\npoints: 1000000\nreplications: 10000\n"
            "parameters:\n  - {path: actors.US.review_days, low: 1, high: 30}\n",
        ),
        "sweep design of 2e9 cells": sweep(
            "cells.yaml",
            "design: lhs\npoints: 1000000\nparameters:\n"
            + "".join(f"  - {{path: p{i}, low: 0, high: 1}}\n" for i in range(2000)),
        ),
        "sweep path that does not exist": sweep(
            "path.yaml", "parameters:\n  - {path: actors.US.reaction_lag_dayz, values: [1, 2]}\n"
        ),
        "sweep range beyond a field's limit": sweep("range.yaml", lag),
        "sweep output unknown": sweep("outputs.yaml", "outputs: [deal, payof_US]\n"),
        "--scheduler that is not Dask": (
            lambda address: make_executor("dask", 1, str(address)),
            scheduler,
            ["sweep", str(ok_sweep), "--scheduler", scheduler, "--out", str(tmp / "out")],
        ),
    }


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        fh.truncate(size)  # no blocks written: the size alone must refuse it
    return path


def _bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def _http_server() -> tuple[socket.socket, str]:
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
            conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n<html>no</html>\n")
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return srv, f"tcp://127.0.0.1:{srv.getsockname()[1]}"


def in_process(call: Callable[[object], object], arg: object) -> tuple[float, str]:
    t0 = time.perf_counter()
    try:
        call(arg)
        message = "ACCEPTED"
    except (ScenarioError, UsageError) as exc:
        message = str(exc).splitlines()[0]
    return time.perf_counter() - t0, message


def command(args: list[str]) -> tuple[float, int, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    first = (r.stderr.strip().splitlines() or r.stdout.strip().splitlines() or [""])[0]
    return time.perf_counter() - t0, r.returncode, first


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="in-process timings only (no subprocesses)")
    args = ap.parse_args()
    srv, scheduler = _http_server()
    try:
        with tempfile.TemporaryDirectory() as d:
            print(f"{'hostile input':36} {'loader s':>8} {'command s':>9} {'exit':>4}  message")
            for name, (call, arg, cli) in cases(Path(d), scheduler).items():
                seconds, message = in_process(call, arg)
                cmd, code = "", ""
                if not args.quick:
                    wall, rc, first = command(cli)
                    cmd, code = f"{wall:9.3f}", str(rc)
                    message = message if rc == 2 else f"{message} | command: {first}"
                shown = message.replace(d, "<tmp>")[:110]
                print(f"{name:36} {seconds:8.3f} {cmd:>9} {code:>4}  {shown}")
    finally:
        srv.close()


if __name__ == "__main__":
    main()
