"""How long each hostile input takes to be refused (issue 11: every refusal within 5 s).

Run: ``PYTHONPATH=. python benchmarks/bench_refusals.py``. Prints one row per
hostile input: the seconds to the clean error and its first line. Measured here,
not asserted in tests (the machine is shared).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from sim.errors import ScenarioError
from sim.experiments.sweepfile import load_sweep
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = (ROOT / "scenarios" / "student_template.yaml").read_text()


def cases(tmp: Path) -> dict[str, tuple[object, Path]]:
    def write(name: str, text: str | bytes) -> Path:
        p = tmp / name
        p.write_bytes(text if isinstance(text, bytes) else text.encode())
        return p

    fifo = tmp / "fifo.yaml"
    os.mkfifo(fifo)
    write("base.yaml", TEMPLATE)
    return {
        "3 GB-sized sparse file": (load_scenario, _sparse(tmp / "huge.yaml", 3 << 30)),
        "3 MB file": (load_scenario, write("big.yaml", b"a: " + b"1" * 3_000_000)),
        "/dev/zero": (load_scenario, Path("/dev/zero")),
        "FIFO": (load_scenario, fifo),
        "directory": (load_scenario, tmp),
        "nesting 500 deep": (load_scenario, write("deep.yaml", "a: " + "[" * 500 + "]" * 500)),
        "list of 400k items (1 MiB)": (load_scenario, write("long.yaml", "a: [" + "1," * 400_000 + "1]")),
        "19,999 items: parsed, then refused": (
            load_scenario,
            write("limit.yaml", "a: [" + "1234567.5," * 19_998 + "1]"),
        ),
        "alias bomb": (load_scenario, write("bomb.yaml", _bomb())),
        "5000-digit integer": (load_scenario, write("int.yaml", "meta: {horizon_days: 1" + "0" * 5000 + "}")),
        "unquoted invalid date": (
            load_scenario,
            write("date.yaml", TEMPLATE.replace("start: ", "start: 2025-11-31 #", 1)),
        ),
        ".nan in a share": (
            load_scenario,
            write("nan.yaml", TEMPLATE.replace("supplier_share: ", "supplier_share: .nan #", 1)),
        ),
        "sweep seed 2^63": (load_sweep, write("seed.yaml", f"name: s\nscenario: base.yaml\nseed: {2**63}\n")),
        "sweep of 10^10 runs": (
            load_sweep,
            write(
                "design.yaml",
                "name: s\nscenario: base.yaml\ndesign: lhs\npoints: 1000000\nreplications: 10000\n"
                "parameters:\n  - {path: actors.US.review_days, low: 1, high: 30}\n",
            ),
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


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        print(f"{'hostile input':32} {'seconds':>8}  message")
        for name, (load, path) in cases(Path(d)).items():
            t0 = time.perf_counter()
            try:
                load(path)  # type: ignore[operator]
                message = "ACCEPTED"
            except ScenarioError as exc:
                message = str(exc).splitlines()[0].replace(d, "<tmp>")
            print(f"{name:32} {time.perf_counter() - t0:8.3f}  {message[:110]}")


if __name__ == "__main__":
    main()
