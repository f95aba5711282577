"""Reading innosim output files (see sim/output/output_file.hpp and docs/analysis.md).

A run file holds:
  /manifest                 attributes describing the run (scenario text, seed, version, ...)
  /metrics/<name>           float64 [replicates, steps+1]; attributes unit, description
  /agents/<kind>/<field>    long-format panel: 1-D datasets replicate, step, id and one per field
  /events/<kind>/<field>    event tables, same long format

`open_run` checks that the file is an innosim output before anything else, so
later failures are about names, not about foreign files. Data are read only
when asked for: a report on one metric of a 10 GB run reads one dataset.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

from .errors import AnalysisInputError, quoted, unknown_name_message

FORMAT_NAME = "innosim-output"
# The newest layout this reader understands; innosim bumps it when old readers would misread.
FORMAT_VERSION = 1
# Columns every panel and event row has, before the model's own fields.
ROW_KEY_COLUMNS = ("replicate", "step", "id")


def attribute_text(value) -> str:
    """An HDF5 string attribute as str, whether stored variable-length (str) or fixed (bytes)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return attribute_text(value.item())
    return str(value)


def attribute_value(value):
    """An attribute as a plain Python value: str for strings, int/float for numeric scalars."""
    if isinstance(value, (bytes, str)):
        return attribute_text(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


@dataclass(frozen=True)
class MetricInfo:
    """What a metric measures, as the model declared it."""

    name: str
    unit: str
    description: str


class Run:
    """One innosim output file, opened read-only; data are read on demand.

    Use as a context manager (`with open_run(p) as run:`) or call close().
    """

    def __init__(self, path: Path, file: h5py.File):
        self.path = path
        self._file = file

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def __repr__(self) -> str:
        return f"Run({quoted(self.path)})"

    # -- manifest ---------------------------------------------------------------------------
    @property
    def manifest(self) -> dict:
        """The /manifest attributes (scenario_yaml, seed, replicates, steps, model, ...)."""
        group = self._file.get("manifest")
        if group is None:
            return {}
        return {name: attribute_value(value) for name, value in group.attrs.items()}

    @property
    def label(self) -> str:
        """A short name for tables and legends: the file name without its extension."""
        return self.path.stem

    # -- metrics ----------------------------------------------------------------------------
    @property
    def metric_names(self) -> list[str]:
        group = self._file.get("metrics")
        return sorted(group.keys()) if group is not None else []

    def has_metric(self, name: str) -> bool:
        return name in self.metric_names

    def _metric_dataset(self, name: str) -> h5py.Dataset:
        names = self.metric_names
        if name not in names:
            raise AnalysisInputError(unknown_name_message(quoted(self.path), "metric", name, names))
        dataset = self._file["metrics"][name]
        if dataset.ndim != 2:
            raise AnalysisInputError(
                f"{quoted(self.path)}: /metrics/{name} has shape {dataset.shape}, "
                "expected [replicates, steps+1]")
        return dataset

    def metric_info(self, name: str) -> MetricInfo:
        attrs = self._metric_dataset(name).attrs
        return MetricInfo(name, attribute_text(attrs.get("unit", "")),
                          attribute_text(attrs.get("description", "")))

    def metric(self, name: str) -> np.ndarray:
        """Metric values as float64 [replicates, steps+1]; column 0 is the initial state."""
        return np.asarray(self._metric_dataset(name)[...], dtype=np.float64)

    @property
    def replicates(self) -> int:
        names = self.metric_names
        if names:
            return int(self._metric_dataset(names[0]).shape[0])
        return int(self.manifest.get("replicates", 0))

    @property
    def steps(self) -> int:
        names = self.metric_names
        if names:
            return int(self._metric_dataset(names[0]).shape[1]) - 1
        return int(self.manifest.get("steps", 0))

    def metrics(self, names: list[str] | None = None) -> pd.DataFrame:
        """Metrics as a tidy frame: one row per (replicate, step, metric), with the unit."""
        frames = []
        for name in names if names is not None else self.metric_names:
            values = self.metric(name)
            replicates, steps = values.shape
            frames.append(pd.DataFrame({
                "replicate": np.repeat(np.arange(replicates, dtype=np.int64), steps),
                "step": np.tile(np.arange(steps, dtype=np.int64), replicates),
                "metric": name,
                "value": values.ravel(),
                "unit": self.metric_info(name).unit,
            }))
        if not frames:
            return pd.DataFrame({"replicate": pd.Series(dtype=np.int64), "step": pd.Series(dtype=np.int64),
                                 "metric": pd.Series(dtype=object), "value": pd.Series(dtype=np.float64),
                                 "unit": pd.Series(dtype=object)})
        return pd.concat(frames, ignore_index=True)

    # -- panels and events -----------------------------------------------------------------
    def panel_kinds(self) -> list[str]:
        return self._table_kinds("agents")

    def event_kinds(self) -> list[str]:
        return self._table_kinds("events")

    def panel(self, kind: str, fields: list[str] | None = None, labelled: bool = False) -> pd.DataFrame:
        """Agent snapshots of one kind: columns replicate, step, id, then the fields.

        With labelled=True, code fields that carry labels (region, field, kind, tier, ...) become
        pandas categoricals of their labels; codes without a label (e.g. -1 'any') become NaN."""
        return self._table("agents", "agent panel", kind, fields, labelled)

    def events(self, kind: str, fields: list[str] | None = None, labelled: bool = False) -> pd.DataFrame:
        """Events of one kind: columns replicate, step, id, then the fields (labelled: as for panel)."""
        return self._table("events", "event table", kind, fields, labelled)

    def labels(self, path: str) -> list[str]:
        """What the codes of a dataset mean: labels[c] names code c ('' for an unused code), [] if none.

        `path` as in the file, e.g. "agents/firm/region" or "events/transition/to_stage"."""
        dataset = self._file.get(path)
        if dataset is None or "labels" not in dataset.attrs:
            return []
        return [attribute_text(label) for label in dataset.attrs["labels"]]

    def panel_fields(self, kind: str) -> list[str]:
        """The model's fields of a panel (without replicate, step, id), or [] if there is no panel."""
        group = self._file.get(f"agents/{kind}")
        if group is None:
            return []
        return sorted(name for name in group.keys() if name not in ROW_KEY_COLUMNS)

    def panel_unit(self, kind: str, field: str) -> str:
        """The unit of a panel field as the model declared it ('' when none)."""
        dataset = self._file.get(f"agents/{kind}/{field}")
        return attribute_text(dataset.attrs.get("unit", "")) if dataset is not None else ""

    def _table_kinds(self, root: str) -> list[str]:
        group = self._file.get(root)
        return sorted(group.keys()) if group is not None else []

    def _table(self, root: str, what: str, kind: str, fields: list[str] | None,
               labelled: bool = False) -> pd.DataFrame:
        kinds = self._table_kinds(root)
        if kind not in kinds:
            raise AnalysisInputError(unknown_name_message(quoted(self.path), what, kind, kinds))
        group = self._file[root][kind]
        available = sorted(name for name in group.keys() if name not in ROW_KEY_COLUMNS)
        wanted = available if fields is None else fields
        for field in wanted:
            if field not in available:
                raise AnalysisInputError(
                    unknown_name_message(f"{quoted(self.path)} /{root}/{kind}", "field", field, available))
        columns = {}
        expected_rows = None
        for name in [*(c for c in ROW_KEY_COLUMNS if c in group), *wanted]:
            values = group[name][...]
            if expected_rows is None:
                expected_rows = len(values)
            elif len(values) != expected_rows:
                raise AnalysisInputError(
                    f"{quoted(self.path)}: /{root}/{kind}/{name} has {len(values)} rows, "
                    f"expected {expected_rows} like the other columns (damaged file?)")
            labels = self.labels(f"{root}/{kind}/{name}") if labelled else []
            columns[name] = _categorical(values, labels) if labels else values
        return pd.DataFrame(columns)


def _categorical(codes: np.ndarray, labels: list[str]) -> pd.Categorical:
    """Codes as a categorical of their labels; a code outside the labels (or unlabelled) is NaN."""
    codes = np.asarray(codes, dtype=np.int64)
    known = (codes >= 0) & (codes < len(labels))
    named = np.array([label != "" for label in labels] or [False])
    categories = [label for label in labels if label]
    position = {label: i for i, label in enumerate(categories)}
    remap = np.array([position.get(label, -1) for label in labels] or [-1])
    mapped = np.where(known, remap[np.where(known, codes, 0)], -1)
    mapped = np.where(known & named[np.where(known, codes, 0)], mapped, -1)
    return pd.Categorical.from_codes(mapped, categories=categories)


def open_run(path) -> Run:
    """Opens an innosim output file read-only after checking that it is one.

    Raises AnalysisInputError for a missing file, a file that is not HDF5 or is
    truncated, an HDF5 file that innosim did not write, and a newer format.
    The messages match `innosim inspect`'s, so a user sees the same words.
    """
    path = Path(path)
    if not path.exists():
        raise AnalysisInputError(f"cannot open {quoted(path)}: no such file")
    if path.is_dir():
        raise AnalysisInputError(f"cannot open {quoted(path)}: it is a folder, not a run file")
    unreadable = f"{quoted(path)} is not a readable HDF5 file (truncated or not HDF5)"
    try:
        if not h5py.is_hdf5(path):
            raise AnalysisInputError(unreadable)
        file = h5py.File(path, "r")
    except OSError as error:
        if isinstance(error, PermissionError):
            raise AnalysisInputError(f"cannot open {quoted(path)}: permission denied") from None
        raise AnalysisInputError(unreadable) from None
    try:
        check_format(path, file)
    except BaseException:
        file.close()
        raise
    return Run(path, file)


def check_format(path: Path, file: h5py.File) -> None:
    """Raises AnalysisInputError unless the root attributes mark an innosim output we can read."""
    if "format" not in file.attrs:
        raise AnalysisInputError(f"{quoted(path)} is not an innosim output (no 'format' attribute at the root)")
    name = attribute_text(file.attrs["format"])
    if name != FORMAT_NAME:
        raise AnalysisInputError(
            f"{quoted(path)} is not an innosim output (its 'format' attribute is '{name}', not '{FORMAT_NAME}')")
    version = attribute_value(file.attrs.get("format_version", FORMAT_VERSION))
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise AnalysisInputError(
            f"{quoted(path)} has output format version {version}, newer than this analysis reads "
            f"({FORMAT_VERSION}); update the analysis package")
