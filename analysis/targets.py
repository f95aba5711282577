"""Calibration targets: what the model should reproduce, and how well a run does.

A targets file (e.g. scenarios/targets/national.yaml):

    window: 20                   # steps averaged at the end of the run
    targets:
      rd_share_enterprises:      # a metric name, /metrics/<name> in the run file
        value: 0.777
        band: [0.74, 0.81]       # the range that counts as a fit
        definition: ...          # optional text: definition, source, unit, note
        source: ...

The model's moment for a target is the mean over replicates of the metric
averaged over the last `window` steps: the stationary level, with the noise
of single steps and single replicates averaged out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .errors import AnalysisInputError, did_you_mean, quoted
from .load import Run
from .stats import mean_interval, window_mean

TOP_LEVEL_KEYS = ("window", "targets", "description")
TARGET_KEYS = ("value", "band", "definition", "source", "unit", "note")


@dataclass(frozen=True)
class Target:
    """One metric's target value and acceptance band."""

    metric: str
    value: float
    band: tuple[float, float]
    notes: dict = field(default_factory=dict)  # definition, source, ...: shown, not used

    @property
    def half_width(self) -> float:
        return (self.band[1] - self.band[0]) / 2.0

    def scaled_error(self, model: float) -> float:
        """(model - target) in band half-widths: 1 means at the band's edge (for a symmetric band)."""
        return (model - self.value) / self.half_width

    def contains(self, model: float) -> bool:
        return bool(self.band[0] <= model <= self.band[1])


@dataclass(frozen=True)
class Targets:
    path: Path
    window: int
    targets: tuple[Target, ...]

    @property
    def metrics(self) -> list[str]:
        return [target.metric for target in self.targets]


class _Problems:
    """Collects every problem of a file, each with its line and column, to report them all at once."""

    def __init__(self, path: Path):
        self.path = path
        self.lines: list[str] = []

    def add(self, node, message: str) -> None:
        mark = node.start_mark
        self.lines.append(f"{self.path}:{mark.line + 1}:{mark.column + 1}: {message}")

    def raise_if_any(self) -> None:
        if self.lines:
            raise AnalysisInputError("\n".join(self.lines))


def _mapping_items(node) -> list[tuple]:
    return [(key.value, key, value) for key, value in node.value]


def _number(node):
    """A plain (unquoted) YAML scalar as a finite float, or None when it is not a number.

    float() rather than YAML's resolver, so that 1e-5 counts as a number as it
    does in yaml-cpp, which reads the scenarios.
    """
    if not isinstance(node, yaml.ScalarNode) or node.style is not None:
        return None
    try:
        value = float(node.value)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _check_unknown_keys(problems: _Problems, items, allowed, where: str) -> None:
    for name, key_node, _ in items:
        if name not in allowed:
            problems.add(key_node, f"unknown key '{name}' in {where}{did_you_mean(name, allowed)} "
                                   f"(allowed: {', '.join(allowed)})")


def _read_window(problems: _Problems, root, items) -> int:
    found = {name: value for name, _, value in items}
    if "window" not in found:
        problems.add(root, "missing key 'window' (the number of final steps to average)")
        return 0
    value = _number(found["window"])
    if value is None or value != int(value) or value < 1:
        problems.add(found["window"], f"'window' must be a positive integer (steps), got '{found['window'].value}'")
        return 0
    return int(value)


def _checked_mapping(problems: _Problems, node, allowed, where: str, expected: str) -> dict | None:
    """{key: value node} of a mapping, its unknown keys reported; None (reported) when it is no mapping."""
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, f"{where} must be a mapping with {expected}")
        return None
    items = _mapping_items(node)
    _check_unknown_keys(problems, items, allowed, where)
    return {key: value for key, _, value in items}


def _read_target(problems: _Problems, name: str, key_node, node) -> Target | None:
    found = _checked_mapping(problems, node, TARGET_KEYS, f"target '{name}'", "'value' and 'band'")
    if found is None:
        return None
    ok = True
    value = _number(found["value"]) if "value" in found else None
    if "value" not in found:
        problems.add(key_node, f"target '{name}' has no 'value'")
        ok = False
    elif value is None:
        problems.add(found["value"], f"'value' of target '{name}' must be a number, got '{found['value'].value}'")
        ok = False
    band = None
    if "band" not in found:
        problems.add(key_node, f"target '{name}' has no 'band' ([low, high], the range that counts as a fit)")
        ok = False
    else:
        band_node = found["band"]
        numbers = ([_number(item) for item in band_node.value]
                   if isinstance(band_node, yaml.SequenceNode) else [None])
        if len(numbers) != 2 or None in numbers:
            problems.add(band_node, f"'band' of target '{name}' must be [low, high] (two numbers)")
            ok = False
        elif not numbers[0] < numbers[1]:
            problems.add(band_node, f"'band' of target '{name}' must have low < high, "
                                    f"got [{numbers[0]:g}, {numbers[1]:g}]")
            ok = False
        else:
            band = (numbers[0], numbers[1])
    if ok and not band[0] <= value <= band[1]:
        problems.add(found["value"], f"'value' {value:g} of target '{name}' lies outside its band "
                                     f"[{band[0]:g}, {band[1]:g}]")
        ok = False
    if not ok:
        return None
    notes = {key: found[key].value for key in TARGET_KEYS[2:]
             if key in found and isinstance(found[key], yaml.ScalarNode)}
    return Target(name, value, band, notes)


def read_targets(path) -> Targets:
    """Reads and checks a targets file; every problem is reported at once, each as 'file:line:column: ...'."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnalysisInputError(f"cannot open {quoted(path)}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise AnalysisInputError(f"cannot read {quoted(path)}: {error}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        location = f"{path}:{mark.line + 1}:{mark.column + 1}"
        raise AnalysisInputError(f"{location}: YAML syntax error: {error.problem}") from None
    problems = _Problems(path)
    if not isinstance(root, yaml.MappingNode):
        if root is None:
            raise AnalysisInputError(f"{path}:1:1: the file is empty; expected 'window' and 'targets'")
        problems.add(root, "expected a mapping with 'window' and 'targets'")
        problems.raise_if_any()
    items = _mapping_items(root)
    _check_unknown_keys(problems, items, TOP_LEVEL_KEYS, "the targets file")
    window = _read_window(problems, root, items)
    found = {name: (key, value) for name, key, value in items}
    targets = []
    if "targets" not in found:
        problems.add(root, "missing key 'targets' (a mapping from metric name to value and band)")
    elif not isinstance(found["targets"][1], yaml.MappingNode) or not found["targets"][1].value:
        problems.add(found["targets"][1], "'targets' must be a non-empty mapping from metric name to value and band")
    else:
        for name, key_node, node in _mapping_items(found["targets"][1]):
            target = _read_target(problems, name, key_node, node)
            if target is not None:
                targets.append(target)
    problems.raise_if_any()
    return Targets(path, window, tuple(targets))


def replicate_moments(run: Run, targets: Targets) -> dict[str, np.ndarray]:
    """Each target metric's mean over the last `window` steps, per replicate: {metric: [replicates]}.

    The one implementation of a moment: `run_moments` averages these over
    replicates, and calibration estimates their covariance from them. A metric
    the run lacks is absent from the result.
    """
    return {metric: window_mean(run.metric(metric), targets.window)
            for metric in targets.metrics if run.has_metric(metric)}


def run_moments(run: Run, targets: Targets) -> dict[str, float]:
    """Each target metric's moment in a run (replicate mean of `replicate_moments`); missing ones are absent."""
    return {metric: float(mean_interval(values).estimate)
            for metric, values in replicate_moments(run, targets).items()}


def require_metrics(run: Run, targets: Targets, source: str | None = None) -> None:
    """Calibration needs every target metric; name the missing ones with suggestions.

    `source` names what produced the run when its file is a temporary one
    ("scenario 'x.yaml' (model boltzmann)"); by default the run's path.
    """
    known = run.metric_names
    source = source or quoted(run.path)
    lines = [f"{source} has no metric '{metric}'{did_you_mean(metric, known)} "
             f"(targeted in {quoted(targets.path)})" for metric in targets.metrics if metric not in known]
    if lines:
        raise AnalysisInputError("\n".join(lines))


def fit_table(targets: Targets, moments: dict[str, float]) -> pd.DataFrame:
    """Target vs model per metric: value, band, model, scaled error, inside band (NaN/None when missing)."""
    rows = []
    for target in targets.targets:
        model = moments.get(target.metric, np.nan)
        present = target.metric in moments and np.isfinite(model)
        rows.append({"metric": target.metric, "target": target.value, "band_low": target.band[0],
                     "band_high": target.band[1], "model": model,
                     "scaled_error": target.scaled_error(model) if present else np.nan,
                     "inside": target.contains(model) if present else None})
    return pd.DataFrame(rows)


def loss(targets: Targets, moments: dict[str, float]) -> float:
    """Sum over targets of the squared error in band half-widths (calibrate's `--weighting diagonal`).

    Scaling by the band makes a miss of one band width weigh the same for a
    share of 0.04 and of 0.8. A missing or undefined moment costs infinity.
    """
    total = 0.0
    for target in targets.targets:
        model = moments.get(target.metric, np.nan)
        if not np.isfinite(model):
            return float("inf")
        total += target.scaled_error(model) ** 2
    return total
