"""docs/output-format.md's Python examples run as written, on files the real engine makes.

Each ```python block of the page runs in a folder holding results/boltzmann.h5 and
results/nansha.h5 (small runs), with the repository on PYTHONPATH as the page says. The xarray
block runs where python3-xarray is installed and is skipped (saying so) elsewhere.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import h5py
import pytest

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "output-format.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.S)


@pytest.fixture(scope="module")
def results_folder(innosim, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("doc")
    runs = {"boltzmann.h5": ["scenarios/boltzmann.yaml", "--set", "boltzmann.agents=300", "--set", "steps=10"],
            "nansha.h5": ["scenarios/nansha.yaml", "--set", "steps=4", "--set", "output.snapshot_every=2"]}
    for name, args in runs.items():
        result = subprocess.run([str(innosim), "run", *[str(REPO / args[0]), *args[1:]], "--quiet",
                                 "--replicates", "2", "-o", str(folder / "results" / name)],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
    return folder


def test_the_page_has_the_h5py_tidy_and_xarray_examples():
    blocks = python_blocks()
    assert len(blocks) == 3
    assert "open_run" in blocks[1] and "labelled=True" in blocks[1]
    assert "import xarray" in blocks[2]
    assert "pandas.read_hdf` does not read these files" in PAGE.read_text()


@pytest.mark.parametrize("index", range(3))
def test_each_python_example_runs(results_folder, index):
    block = python_blocks()[index]
    if "import xarray" in block:
        pytest.importorskip("xarray", reason="python3-xarray is not installed; the xarray example is not run")
    environment = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run([sys.executable, "-c", block], cwd=results_folder, env=environment,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"example {index} failed:\n{block}\n{result.stderr}"
    if "labels(" in block:
        assert "['tech_sme', 'high_tech', 'unicorn', 'listed']" in result.stdout


def test_code_datasets_carry_the_scenarios_labels(results_folder):
    with h5py.File(results_folder / "results" / "nansha.h5") as f:
        assert [label.decode() if isinstance(label, bytes) else label
                for label in f["agents/firm/region"].attrs["labels"]] == ["nansha", "hong_kong"]
        fields = list(f["agents/firm/field"].attrs["labels"])
        assert len(fields) == 4 and "marine_technology" in fields
        codes = f["agents/firm/field"][...]
        assert codes.min() >= 0 and codes.max() < len(fields)   # every code has its label
        assert list(f["events/transition/to_stage"].attrs["labels"])[1] == "development"
        assert "labels" not in f["agents/firm/revenue"].attrs    # values that are not codes have none


def test_pandas_read_hdf_fails_as_the_page_says(results_folder):
    pandas = pytest.importorskip("pandas")
    with pytest.raises((ImportError, TypeError, KeyError, ValueError)):
        pandas.read_hdf(results_folder / "results" / "boltzmann.h5", "metrics/gini")
