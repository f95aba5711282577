"""The HTML report renders in a real browser: headless Chromium (Debian's `chromium`) takes a
screenshot, and the pixels show that the charts and the tables were drawn.

The report with its folded sections opened renders its charts; the same report with its <img> elements removed is rendered as a control (the window is tall
enough for the whole page): the charts must add a large drawn area (axes, grid, lines, bands) and
many saturated-colour pixels to it; a chart that failed to decode would add only an icon. Table header cells have their own background colour (#eef2f7); the
screenshot must contain a good number of pixels of it.
"""
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg

from conftest import run_analysis

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--window-size=1280,8000"]
TABLE_HEADER_RGB = np.array([0xEE, 0xF2, 0xF7]) / 255.0


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium not found: it is installed by scripts/install-deps.sh (Debian package 'chromium')")
    return path


def screenshot(html: Path, png: Path, profile: Path) -> np.ndarray:
    result = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
                             html.resolve().as_uri()], capture_output=True, text=True, timeout=120)
    assert png.exists(), f"chromium wrote no screenshot: {result.stderr[-2000:]}"
    return mpimg.imread(png)[:, :, :3]


def saturated_pixels(pixels: np.ndarray) -> int:
    return int(((pixels.max(axis=2) - pixels.min(axis=2)) > 0.25).sum())


def drawn_pixels(pixels: np.ndarray) -> int:
    return int((pixels.min(axis=2) < 0.9).sum())


def pixels_of_colour(pixels: np.ndarray, rgb: np.ndarray) -> int:
    return int((np.abs(pixels - rgb).max(axis=2) < 0.02).sum())


def test_report_renders_its_charts_and_tables_in_chromium(tmp_path, paired_runs):
    base, variant, _ = paired_runs
    report = tmp_path / "report.html"
    result = run_analysis("report", base, variant, "-o", report)
    assert result.returncode == 0, result.stderr

    # With variants the details are folded below the answer; open them all, as a reader would.
    opened = tmp_path / "opened.html"
    opened.write_text(report.read_text(encoding="utf-8").replace('<details class="section"', "<details open "
                                                                 'class="section"'), encoding="utf-8")
    page = screenshot(opened, tmp_path / "page.png", tmp_path / "profile-page")
    assert page.shape[0] >= 8000 and page.shape[1] >= 1280

    without_images = tmp_path / "without_images.html"
    without_images.write_text(re.sub(r"<img [^>]*>", "", opened.read_text(encoding="utf-8")), encoding="utf-8")
    control = screenshot(without_images, tmp_path / "control.png", tmp_path / "profile-control")

    drawn_by_charts = drawn_pixels(page) - drawn_pixels(control)
    coloured_by_charts = saturated_pixels(page) - saturated_pixels(control)
    assert drawn_by_charts > 30000, f"the charts drew only {drawn_by_charts} pixels"
    assert coloured_by_charts > 3000, f"the charts added only {coloured_by_charts} coloured pixels"
    assert pixels_of_colour(page, TABLE_HEADER_RGB) > 2000, "no table header cells were drawn"


# Injected into a copy of the report (the report itself has no scripts): once the page has loaded,
# write the boxes of what the first screen must show, then open every folded section and write
# how wide each table is against the page, into a <pre> that --dump-dom prints.
MEASURE = """<script>
window.addEventListener("load", () => {
  const box = (element) => { const r = element.getBoundingClientRect();
    return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right}; };
  const chart = document.getElementById("effect-vs-spending");
  const result = {viewport: [innerWidth, innerHeight],
    question: box(document.getElementById("question")), ranking: box(document.getElementById("ranking")),
    chart: {...box(chart), decoded: chart.naturalWidth > 0},
    firstFolded: box(document.querySelector("details.section")),
    foldedOpen: document.querySelectorAll("details.section[open]").length};
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  result.pageWidth = document.documentElement.scrollWidth;
  result.tables = [...document.querySelectorAll("table")].map((t) => ({id: t.id, right: box(t).right,
    overflow: t.parentElement.classList.contains("scroll") ? t.parentElement.scrollWidth - t.parentElement.clientWidth : 0}));
  const out = document.createElement("pre"); out.id = "boxes"; out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});
</script>"""


def measure_first_screen(html: Path, profile: Path) -> dict:
    import json

    measured = html.with_name("measured.html")
    measured.write_text(html.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    flags = [flag for flag in CHROMIUM_FLAGS if not flag.startswith("--window-size")]
    result = subprocess.run([chromium(), *flags, "--window-size=1400,900", "--virtual-time-budget=10000",
                             f"--user-data-dir={profile}", "--dump-dom", measured.resolve().as_uri()],
                            capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="boxes">(.*?)</pre>', result.stdout, re.S)
    assert found, f"chromium printed no measurements: {result.stderr[-2000:]}"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def test_first_screen_of_a_planner_report_shows_the_question_ranking_and_chart(tmp_path, write_run):
    from test_report import planner_runs

    runs = planner_runs(write_run, np.random.default_rng(9), metrics_count=40)
    report = tmp_path / "report.html"
    result = run_analysis("report", *runs, "--objective", "results_applied_share", "-o", report)
    assert result.returncode == 0, result.stderr
    boxes = measure_first_screen(report, tmp_path / "profile")
    # The window is 1400 x 900; headless Chromium keeps some of its height for itself, so the
    # viewport is shorter, and the first screen is measured in page pixels from the top.
    assert boxes["viewport"][0] == 1400
    first_screen = 900
    for name in ("question", "ranking", "chart"):
        assert 0 <= boxes[name]["top"] < boxes[name]["bottom"] <= first_screen, (name, boxes[name])
    assert boxes["question"]["bottom"] <= boxes["ranking"]["top"] <= boxes["chart"]["top"]
    assert boxes["chart"]["decoded"] and boxes["chart"]["bottom"] - boxes["chart"]["top"] > 250
    # The details come after the answer, folded.
    assert boxes["firstFolded"]["top"] >= boxes["chart"]["bottom"] and boxes["foldedOpen"] == 0
    # Readable at 1,400 px: with every section open, nothing is wider than the window.
    assert boxes["pageWidth"] <= 1400
    assert all(table["right"] <= 1400 and table["overflow"] <= 0 for table in boxes["tables"]), boxes["tables"]
