"""The HTML report renders in a real browser: headless Chromium (Debian's `chromium`) takes a
screenshot, and the pixels show that the charts and the tables were drawn.

The same report with its <img> elements removed is rendered as a control (the window is tall
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

    page = screenshot(report, tmp_path / "page.png", tmp_path / "profile-page")
    assert page.shape[0] >= 8000 and page.shape[1] >= 1280

    without_images = tmp_path / "without_images.html"
    without_images.write_text(re.sub(r"<img [^>]*>", "", report.read_text(encoding="utf-8")), encoding="utf-8")
    control = screenshot(without_images, tmp_path / "control.png", tmp_path / "profile-control")

    drawn_by_charts = drawn_pixels(page) - drawn_pixels(control)
    coloured_by_charts = saturated_pixels(page) - saturated_pixels(control)
    assert drawn_by_charts > 30000, f"the charts drew only {drawn_by_charts} pixels"
    assert coloured_by_charts > 3000, f"the charts added only {coloured_by_charts} coloured pixels"
    assert pixels_of_colour(page, TABLE_HEADER_RGB) > 2000, "no table header cells were drawn"
