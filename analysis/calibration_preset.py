"""A calibration preset: everything one calibration needs, in a tracked file, so one command runs it.

`--preset national` reads scenarios/targets/national-calibration.yaml:

    description: ...                         # optional
    scenario: ../national.yaml               # paths relative to this file
    targets: national.yaml
    seed: 2023                               # every run (common random numbers)
    replicates: 20                           # per run
    budget: 200                              # search runs (+2 per parameter for the Jacobian)
    method: nelder-mead                      # optional (default differential-evolution)
    weighting: optimal                       # optional (default optimal)
    parameters:
      ecosystem.university_budget_yuan: {low: 60000, high: 240000, start: 120000}
      regions.north.pilot_slots: {low: 20, high: 160, start: 80, integer: true}

Every problem of the file is reported at once, as FILE:LINE:COLUMN: message.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .calibrate import METHODS, WEIGHTINGS, FitParameter
from .errors import AnalysisInputError, did_you_mean, quoted
from .targets import _check_unknown_keys, _checked_mapping, _mapping_items, _number, _Problems

PRESET_FOLDER = Path(__file__).resolve().parent.parent / "scenarios" / "targets"
PRESET_SUFFIX = "-calibration.yaml"
TOP_LEVEL_KEYS = ("description", "scenario", "targets", "seed", "replicates", "budget", "method", "weighting",
                  "parameters")
REQUIRED_KEYS = ("scenario", "targets", "parameters")
PARAMETER_KEYS = ("low", "high", "start", "integer")


@dataclass(frozen=True)
class Preset:
    path: Path
    scenario: Path
    targets: Path
    parameters: list[FitParameter]
    seed: int | None = None
    replicates: int | None = None
    budget: int | None = None
    method: str | None = None
    weighting: str | None = None


def preset_path(name: str) -> Path:
    """A preset name (scenarios/targets/NAME-calibration.yaml) or a path to a preset file."""
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return Path(name)
    path = PRESET_FOLDER / f"{name}{PRESET_SUFFIX}"
    if not path.is_file():
        known = sorted(p.name[:-len(PRESET_SUFFIX)] for p in PRESET_FOLDER.glob(f"*{PRESET_SUFFIX}"))
        raise AnalysisInputError(f"no calibration preset '{name}'{did_you_mean(name, known)} "
                                 f"(presets in {quoted(PRESET_FOLDER)}: {', '.join(known) or 'none'})")
    return path


def _integer(problems: _Problems, node, key: str, minimum: int) -> int | None:
    value = _number(node)
    if value is None or value != int(value) or value < minimum:
        problems.add(node, f"'{key}' must be an integer ≥ {minimum}, got '{node.value}'")
        return None
    return int(value)


def _choice(problems: _Problems, node, key: str, choices) -> str | None:
    if not isinstance(node, yaml.ScalarNode) or node.value not in choices:
        found = node.value if isinstance(node, yaml.ScalarNode) else "a collection"
        problems.add(node, f"'{key}' must be one of {', '.join(choices)}, got '{found}'"
                           f"{did_you_mean(str(found), choices)}")
        return None
    return node.value


def _path(problems: _Problems, base: Path, node, key: str) -> Path | None:
    if not isinstance(node, yaml.ScalarNode) or not node.value:
        problems.add(node, f"'{key}' must be a file path (relative to the preset)")
        return None
    path = (base / node.value).resolve()
    if not path.is_file():
        problems.add(node, f"'{key}' names {quoted(node.value)}, which does not exist (looked for {quoted(path)})")
        return None
    return path


def _parameter(problems: _Problems, name: str, key_node, node) -> FitParameter | None:
    found = _checked_mapping(problems, node, PARAMETER_KEYS, f"parameter '{name}'", "'low', 'high' and 'start'")
    if found is None:
        return None
    numbers = {}
    for key in ("low", "high", "start"):
        if key not in found:
            problems.add(key_node, f"parameter '{name}' has no '{key}'")
        elif _number(found[key]) is None:
            problems.add(found[key], f"'{key}' of parameter '{name}' must be a number, got '{found[key].value}'")
        else:
            numbers[key] = _number(found[key])
    is_integer = False
    if "integer" in found:
        is_integer = found["integer"].value in ("true", "True")
        if found["integer"].value not in ("true", "True", "false", "False"):
            problems.add(found["integer"], f"'integer' of parameter '{name}' must be true or false")
    if len(numbers) < 3:
        return None
    if not numbers["low"] < numbers["high"]:
        problems.add(found["low"], f"parameter '{name}' needs low < high, got [{numbers['low']:g}, {numbers['high']:g}]")
        return None
    if not numbers["low"] <= numbers["start"] <= numbers["high"]:
        problems.add(found["start"], f"'start' {numbers['start']:g} of parameter '{name}' lies outside "
                                     f"[{numbers['low']:g}, {numbers['high']:g}]")
        return None
    return FitParameter(name, numbers["low"], numbers["high"], is_integer, numbers["start"])


def read_preset(path) -> Preset:
    """Reads and checks a preset file; every problem is reported at once."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except FileNotFoundError:
        raise AnalysisInputError(f"cannot open {quoted(path)}: no such file") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise AnalysisInputError(f"{path}:{mark.line + 1}:{mark.column + 1}: YAML syntax error: "
                                 f"{error.problem}") from None
    problems = _Problems(path)
    if not isinstance(root, yaml.MappingNode):
        raise AnalysisInputError(f"{path}:1:1: expected a mapping with {', '.join(REQUIRED_KEYS)}")
    items = _mapping_items(root)
    _check_unknown_keys(problems, items, TOP_LEVEL_KEYS, "the calibration preset")
    found = {name: value for name, _, value in items}
    for key in REQUIRED_KEYS:
        if key not in found:
            problems.add(root, f"missing key '{key}'")
    base = path.parent
    values = {key: _path(problems, base, found[key], key) for key in ("scenario", "targets") if key in found}
    for key, minimum in (("seed", 0), ("replicates", 1), ("budget", 2)):
        if key in found:
            values[key] = _integer(problems, found[key], key, minimum)
    for key, choices in (("method", METHODS), ("weighting", WEIGHTINGS)):
        if key in found:
            values[key] = _choice(problems, found[key], key, choices)
    parameters = []
    if "parameters" in found:
        node = found["parameters"]
        if not isinstance(node, yaml.MappingNode) or not node.value:
            problems.add(node, "'parameters' must be a non-empty mapping from scenario path to low, high, start")
        else:
            parameters = [p for name, key_node, value in _mapping_items(node)
                          if (p := _parameter(problems, name, key_node, value)) is not None]
    problems.raise_if_any()
    return Preset(path, values["scenario"], values["targets"], parameters, values.get("seed"),
                  values.get("replicates"), values.get("budget"), values.get("method"), values.get("weighting"))
