"""Render every figure of the report pages to PNG in headless Chromium, for docs/report.md.

``make screenshots`` runs this: it makes the results the pages describe (a Monte Carlo of
the shipped baseline, the shipped sweep with its sensitivity indices, a paired comparison of
two magnet stocks, a small meta-game), opens each page in Debian's chromium (Playwright with
``executable_path``, as the browser tests do), saves each figure, the headline card and the
run explorer as PNGs under ``docs/img/report/``, and rewrites the gallery of docs/report.md
(between ``<!-- screenshots:start -->`` and ``<!-- screenshots:end -->``).

``--quick`` makes smaller results (for the tests); ``--out`` and ``--doc`` redirect the
images and the page (the tests write into a temporary folder).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- screenshots:start -->", "<!-- screenshots:end -->"
SEED = "20251009"  # the README's seed


@dataclass(frozen=True)
class Shot:
    """One page to photograph: its name in the gallery and its HTML file."""

    name: str
    page: Path
    heading: str


def tradesim(*args: str) -> None:
    """Run the CLI (of this interpreter's environment); stop on failure."""
    cmd = [sys.executable, "-m", "sim", *args]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"screenshots: {' '.join(cmd[2:])} failed (exit {done.returncode}):\n{done.stderr}")


def newest(folder: Path, name: str) -> Path:
    """The most recently written ``name`` under ``folder``."""
    found = sorted(folder.rglob(name), key=lambda p: p.stat().st_mtime)
    if not found:
        sys.exit(f"screenshots: no {name} under {folder}")
    return found[-1]


def make_results(work: Path, quick: bool) -> list[Shot]:
    """Run what the pages describe into ``work``; return the pages in gallery order."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    runs = "60" if quick else "1000"
    base = "scenarios/baseline_oct2025.yaml"
    tradesim("run", base, "--runs", runs, "--seed", SEED, "--out", str(work / "a"), "--quiet")
    run_report = newest(work / "a", "report.html")
    shots = [Shot("run", run_report, "A Monte Carlo run (the shipped baseline)")]
    stock = "chokepoints.rare_earth_magnets.initial_stock_days=56"
    tradesim("run", base, "--runs", runs, "--seed", SEED, "--set", stock, "--out", str(work / "b"), "--quiet")
    tradesim("compare", str(run_report.parent), str(newest(work / "b", "report.html").parent), "--out", str(work / "c"))
    shots.append(Shot("compare", newest(work / "c", "compare.html"), "A paired comparison (magnet stock 14 → 56 days)"))
    if not quick:
        tradesim("sweep", "sweeps/threat_and_stocks.yaml", "--out", str(work / "s"), "--no-report", "--quiet")
        sweep = newest(work / "s", "manifest.json").parent
        tradesim("analyze", "sensitivity", str(sweep))
        tradesim("report", str(sweep))
        shots.append(Shot("sweep", sweep / "report.html", "A sweep (the shipped Latin hypercube) with sensitivity"))
        policies = ["--policies", "US=resolve,tit_for_tat", "--policies", "CN=resolve,tit_for_tat"]
        tradesim("game", base, *policies, "--runs", "100", "--out", str(work / "g"), "--quiet")
        shots.append(Shot("game", newest(work / "g", "report.html"), "A meta-game"))
    return shots


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "figure"


def photograph(shots: list[Shot], images: Path) -> list[tuple[Shot, list[tuple[str, Path]]]]:
    """Save every figure (and the headline card and run explorer, when a page has them) as PNG."""
    sys.path.insert(0, str(ROOT))
    from tests.browser import browser_page

    if images.exists():
        shutil.rmtree(images)
    images.mkdir(parents=True)
    gallery = []
    with browser_page(width=1200, height=900) as page:
        for shot in shots:
            page.goto(shot.page.resolve().as_uri())
            page.wait_for_function(
                "[...document.querySelectorAll('.plotly-graph-div')].every(d => d.querySelector('.main-svg'))"
            )
            taken = []
            parts = page.locator(".headline, #explorer, .plotly-graph-div")
            for k in range(parts.count()):
                part = parts.nth(k)
                title = part.evaluate(
                    "el => el.classList.contains('plotly-graph-div')"
                    " ? ((el.layout && el.layout.title && el.layout.title.text) || 'figure')"
                    " : (el.classList.contains('headline') ? 'headline card' : 'run explorer')"
                )
                title = re.sub(r"<[^>]+>", "", title)
                path = images / f"{shot.name}-{k + 1:02d}-{slug(title)}.png"
                part.scroll_into_view_if_needed()
                part.screenshot(path=str(path))
                taken.append((title, path))
            gallery.append((shot, taken))
    return gallery


def write_gallery(doc: Path, gallery: list[tuple[Shot, list[tuple[str, Path]]]]) -> None:
    """Replace the gallery between the markers of ``doc`` (appended with a heading when absent)."""
    lines = [START, ""]
    for shot, taken in gallery:
        lines += [f"### {shot.heading}", ""]
        for title, path in taken:
            rel = _relative(path, doc.parent)
            lines += [f"![{title}]({rel})", ""]
    lines.append(END)
    text = doc.read_text() if doc.exists() else ""
    block = "\n".join(lines)
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        intro = "\n\n## Gallery\n\nEvery figure, as `make screenshots` renders it.\n\n"
        text = text.rstrip("\n") + intro + block + "\n"
    doc.write_text(text)


def _relative(path: Path, base: Path) -> str:
    import os

    return os.path.relpath(path.resolve(), base.resolve()).replace(os.sep, "/")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small results: a run and a comparison only")
    ap.add_argument("--work", type=Path, default=ROOT / "results" / "screenshots", help="folder for the results")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "report", help="folder for the PNGs")
    ap.add_argument("--doc", type=Path, default=ROOT / "docs" / "report.md", help="the page with the gallery")
    args = ap.parse_args(argv)
    gallery = photograph(make_results(args.work, args.quick), args.out)
    write_gallery(args.doc, gallery)
    n = sum(len(t) for _, t in gallery)
    print(f"screenshots: {n} images in {args.out}; gallery in {args.doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
