"""Fixtures for the analysis tests: run files written with h5py in innosim's layout.

The layout is the one sim/output/output_file.cpp writes (docs/analysis.md): root
attributes format/format_version, /manifest attributes, /metrics/<name>
[replicates, steps+1] with unit/description, and long-format tables under
/agents/<kind>/ and /events/<kind>/. Strings are variable-length UTF-8, as
innosim writes them. Building files here, with values the test chooses, lets
each test know the right answer without the engine.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]

MANIFEST_DEFAULTS = {
    "scenario_yaml": "model: test\nseed: 42\n",
    "scenario_sha256": "0" * 64,
    "innosim_version": "0.1.0",
    "git_commit": "abc1234",
    "build_type": "Release",
    "command_line": "innosim run scenarios/test.yaml -o run.h5",
    "created_utc": "2026-11-23T11:12:40Z",
    "hostname": "testhost",
    "model": "test",
    "seed": 42,
    "threads": 2,
}


def _write_table(group: h5py.Group, columns: dict, units: dict) -> None:
    for name, values in columns.items():
        values = np.asarray(values)
        if name == "id":
            values = values.astype(np.uint64)
        elif name in ("replicate", "step"):
            values = values.astype(np.int64)
        dataset = group.create_dataset(name, data=values)
        if name not in ("replicate", "step", "id"):
            dataset.attrs["unit"] = units.get(name, "")
            dataset.attrs["description"] = f"{name} of the test"


def write_run_file(path, metrics: dict, *, units: dict | None = None, manifest: dict | None = None,
                   panels: dict | None = None, events: dict | None = None,
                   format_name: str | None = "innosim-output", format_version: int = 1) -> Path:
    """Writes an innosim-layout file: metrics {name: [replicates, steps+1]}, tables {kind: {column: values}}.

    format_name=None leaves out the root 'format' attribute (a foreign HDF5 file).
    """
    path = Path(path)
    units = units or {}
    first = np.asarray(next(iter(metrics.values()))) if metrics else np.zeros((1, 1))
    with h5py.File(path, "w") as file:
        if format_name is not None:
            file.attrs["format"] = format_name
            file.attrs["format_version"] = np.int64(format_version)
        group = file.create_group("manifest")
        for key, value in {**MANIFEST_DEFAULTS, "replicates": first.shape[0], "steps": first.shape[1] - 1,
                           **(manifest or {})}.items():
            group.attrs[key] = np.int64(value) if isinstance(value, (int, np.integer)) else value
        metrics_group = file.create_group("metrics")
        for name, values in metrics.items():
            dataset = metrics_group.create_dataset(name, data=np.asarray(values, dtype=np.float64))
            dataset.attrs["unit"] = units.get(name, "")
            dataset.attrs["description"] = f"{name} of the test"
        for root, tables in (("agents", panels or {}), ("events", events or {})):
            for kind, columns in tables.items():
                _write_table(file.create_group(f"{root}/{kind}"), columns, units)
    return path


@pytest.fixture
def write_run(tmp_path):
    """write_run(name, metrics, **options) -> path of a new run file in the test's folder."""
    def write(name: str, metrics: dict, **options) -> Path:
        return write_run_file(tmp_path / name, metrics, **options)
    return write


@pytest.fixture
def write_run_at():
    """write_run_at(path, metrics, **options): write_run_file for paths outside the test's folder root."""
    return write_run_file


@pytest.fixture
def paired_runs(write_run):
    """A base and a variant run from the 'same seed': each replicate's noise is shared, plus a known effect.

    The variant raises `output` by 2.0 per step of the run and spends 100 more
    yuan per step, so at the end output differs by 2*steps and spending in
    total by 100*steps. Returns (base_path, variant_path, details).
    """
    rng = np.random.default_rng(11)
    replicates, steps = 8, 20
    t = np.arange(steps + 1)
    shared = rng.normal(0.0, 5.0, size=(replicates, 1)) + rng.normal(0.0, 0.5, size=(replicates, steps + 1))
    base_output = 10.0 + 0.5 * t + shared
    variant_output = base_output + 2.0 * t + rng.normal(0.0, 0.1, size=(replicates, steps + 1))
    base_spending = np.full((replicates, steps + 1), 1000.0)
    variant_spending = base_spending + 100.0
    base_spending[:, 0] = variant_spending[:, 0] = 0.0
    units = {"output": "results", "government_spending": "yuan", "unchanged": "firms"}
    unchanged = np.tile(np.arange(steps + 1, dtype=np.float64), (replicates, 1))
    base = write_run("base.h5", {"output": base_output, "government_spending": base_spending,
                                 "unchanged": unchanged}, units=units)
    variant = write_run("variant.h5", {"output": variant_output, "government_spending": variant_spending,
                                       "unchanged": unchanged}, units=units)
    return base, variant, {"replicates": replicates, "steps": steps, "base_output": base_output,
                           "variant_output": variant_output}


@pytest.fixture(scope="session")
def innosim() -> Path:
    """The real engine: $INNOSIM_BIN, or build/innosim. Missing, the tests that need it fail and say so
    rather than skip: what the engine really writes must be checked."""
    binary = Path(os.environ.get("INNOSIM_BIN", REPO / "build" / "innosim"))
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(f"innosim executable not found at '{binary}'; build it with scripts/build.sh "
                    "or set INNOSIM_BIN")
    return binary


def run_analysis(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    """Runs `python3 -m analysis ARGS` from the repository root, as a user would (env: e.g. COLUMNS)."""
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], cwd=cwd or REPO,
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture
def analysis_cli():
    return run_analysis
