"""``make screenshots``: every figure rendered in Chromium to PNG, and docs/report.md's gallery."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (fails on anything that is not a PNG)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.mark.slow
def test_quick_screenshots_render_every_figure(tmp_path):
    from scripts.screenshots import END, START, main

    doc = tmp_path / "report.md"
    doc.write_text("# The report\n\nBefore.\n")
    assert main(["--quick", "--work", str(tmp_path / "work"), "--out", str(tmp_path / "img"), "--doc", str(doc)]) == 0
    images = sorted((tmp_path / "img").glob("*.png"))
    work = tmp_path / "work"  # quick mode photographs the first run's report and the comparison
    pages = [*(work / "a").rglob("report.html"), *(work / "c").rglob("compare.html")]
    n_figs = sum(p.read_text().count('class="plotly-graph-div"') for p in pages)
    assert n_figs > 0 and len(images) >= n_figs  # every figure (plus any card or explorer) has its image
    for img in images:
        w, h = png_size(img)
        assert w > 300 and h > 150, f"{img.name} is {w}x{h}"
    text = doc.read_text()
    assert text.startswith("# The report\n\nBefore.\n") and text.count(START) == 1 and text.count(END) == 1
    linked = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert sorted((doc.parent / p).resolve() for p in linked) == [i.resolve() for i in images]
    main(["--quick", "--work", str(tmp_path / "work"), "--out", str(tmp_path / "img"), "--doc", str(doc)])
    assert doc.read_text().count(START) == 1  # the gallery is replaced, not appended again


def test_every_image_of_the_report_docs_exists():
    text = (ROOT / "docs" / "report.md").read_text()
    for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert (ROOT / "docs" / target).is_file(), f"docs/report.md shows {target}, which is missing"
