"""Reading a sweep folder written by `innosim sweep` (format in docs/analysis.md).

  DIR/sweep.h5
    /design/X        float64 [points, parameters]: row i is design point i
                     attrs: names  (list of str)  parameter paths, "boltzmann.width"
                            method (str)          "sobol" (Saltelli layout), "morris", "grid", "lhs" or "simplex"
                            bounds (float64 [parameters, 2], optional) low, high of each parameter
    /points/<i>      external link to point i's run file (any path inside it, usually "/")

The reader resolves each link's file name itself, relative to DIR, instead of
following the link through HDF5: a sweep folder then stays readable after it
is moved or copied, whatever the current directory.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np

from .errors import AnalysisInputError, quoted
from .load import attribute_text, attribute_value, open_run
from .stats import mean_interval, window_mean

SWEEP_FILE = "sweep.h5"
METHODS = ("sobol", "morris", "grid", "lhs", "simplex")


@dataclass(frozen=True)
class Sweep:
    """A sweep's design and where each point's run file is."""

    directory: Path
    names: list[str]
    method: str
    design: np.ndarray          # [points, parameters]
    bounds: np.ndarray | None   # [parameters, 2] or None when the file does not say
    point_paths: list[Path]     # index i -> run file of design row i

    def outputs(self, metric: str, window: int = 1) -> np.ndarray:
        """One number per design point: the replicate mean of `metric` averaged over the last `window` steps."""
        values = np.empty(len(self.point_paths))
        for index, path in enumerate(self.point_paths):
            with open_run(path) as run:
                values[index] = mean_interval(window_mean(run.metric(metric), window)).estimate
        return values


def open_sweep(directory) -> Sweep:
    """Reads DIR/sweep.h5 and checks that every design row has a run file."""
    directory = Path(directory)
    path = directory / SWEEP_FILE
    if not directory.is_dir():
        raise AnalysisInputError(f"cannot open {quoted(directory)}: no such folder (expected a sweep output folder)")
    if not path.exists():
        raise AnalysisInputError(
            f"{quoted(directory)} has no {SWEEP_FILE}; is it the output folder of `innosim sweep`?")
    try:
        file = h5py.File(path, "r")
    except OSError:
        raise AnalysisInputError(f"{quoted(path)} is not a readable HDF5 file (truncated or not HDF5)") from None
    with file:
        design, names, method, bounds = _read_design(path, file)
        point_paths = _read_points(path, file, directory, design.shape[0])
    return Sweep(directory, names, method, design, bounds, point_paths)


def _read_design(path: Path, file: h5py.File):
    if "design/X" not in file:
        raise AnalysisInputError(f"{quoted(path)} has no /design/X dataset (the design matrix)")
    dataset = file["design/X"]
    design = np.asarray(dataset[...], dtype=np.float64)
    if design.ndim != 2:
        raise AnalysisInputError(
            f"{quoted(path)}: /design/X has shape {list(design.shape)}, expected [points, parameters]")
    names_attr = dataset.attrs.get("names")
    if names_attr is None:
        raise AnalysisInputError(f"{quoted(path)}: /design/X has no 'names' attribute (the parameter paths)")
    names = [attribute_text(name) for name in np.atleast_1d(names_attr)]
    if len(names) != design.shape[1]:
        raise AnalysisInputError(
            f"{quoted(path)}: /design/X has {design.shape[1]} columns but {len(names)} names")
    method = attribute_text(dataset.attrs.get("method", "")).lower()
    if method not in METHODS:
        raise AnalysisInputError(
            f"{quoted(path)}: /design/X attribute 'method' is '{method}', expected one of {', '.join(METHODS)}")
    bounds = dataset.attrs.get("bounds")
    if bounds is not None:
        bounds = np.asarray(attribute_value(bounds), dtype=np.float64)
        if bounds.shape != (design.shape[1], 2):
            raise AnalysisInputError(
                f"{quoted(path)}: /design/X attribute 'bounds' has shape {list(bounds.shape)}, "
                f"expected [{design.shape[1]}, 2]")
    return design, names, method, bounds


def _read_points(path: Path, file: h5py.File, directory: Path, count: int) -> list[Path]:
    group = file.get("points")
    if group is None:
        raise AnalysisInputError(f"{quoted(path)} has no /points group (links to the point files)")
    paths: dict[int, Path] = {}
    for name in group:
        link = group.get(name, getlink=True)
        if not isinstance(link, h5py.ExternalLink):
            raise AnalysisInputError(f"{quoted(path)}: /points/{name} is not an external link to a run file")
        try:
            index = int(name)
        except ValueError:
            raise AnalysisInputError(f"{quoted(path)}: /points/{name} is not named by a point index") from None
        target = Path(link.filename)
        paths[index] = target if target.is_absolute() else directory / target
    missing = [i for i in range(count) if i not in paths]
    if missing:
        shown = ", ".join(str(i) for i in missing[:10]) + (", ..." if len(missing) > 10 else "")
        raise AnalysisInputError(
            f"{quoted(path)}: {len(missing)} of {count} design points have no run file (points {shown}); "
            "finish the sweep by running the same `innosim sweep` command again")
    return [paths[i] for i in range(count)]
