"""analysis/targets.py and analysis/calibrate.py without the engine: targets, moments, the fitting loop."""
import numpy as np
import pytest

from analysis import AnalysisInputError, open_run
from analysis.calibrate import FitParameter, calibrate, parse_parameter
from analysis.targets import fit_table, loss, read_targets, run_moments


def write_targets(tmp_path, text: str):
    path = tmp_path / "targets.yaml"
    path.write_text(text)
    return path


def test_targets_file_in_the_shared_format_is_read(tmp_path):
    path = write_targets(tmp_path, """\
# comment
window: 20            # quarters
targets:
  rd_share_enterprises:
    value: 0.777
    band: [0.74, 0.81]
    definition: R&D spending performed by firms / total R&D spending
    source: seed 002 (2023)
  patents: {value: 1e4, band: [9000, 11000]}
""")
    targets = read_targets(path)
    assert targets.window == 20 and targets.metrics == ["rd_share_enterprises", "patents"]
    first = targets.targets[0]
    assert (first.value, first.band) == (0.777, (0.74, 0.81))
    assert first.notes["source"] == "seed 002 (2023)"
    assert targets.targets[1].value == 10000.0


def test_every_problem_of_a_targets_file_is_reported_with_line_and_column(tmp_path):
    path = write_targets(tmp_path, """\
window: -3
targets:
  gini:
    value: 0.9
    band: [0.5, 0.6]
  share:
    valeu: 3
    band: [1]
""")
    with pytest.raises(AnalysisInputError) as error:
        read_targets(path)
    assert str(error.value).splitlines() == [
        f"{path}:1:9: 'window' must be a positive integer (steps), got '-3'",
        f"{path}:4:12: 'value' 0.9 of target 'gini' lies outside its band [0.5, 0.6]",
        f"{path}:7:5: unknown key 'valeu' in target 'share'; did you mean 'value'? "
        "(allowed: value, band, definition, source, unit, note)",
        f"{path}:6:3: target 'share' has no 'value'",
        f"{path}:8:11: 'band' of target 'share' must be [low, high] (two numbers)",
    ]


def test_yaml_syntax_error_points_at_the_place(tmp_path):
    path = write_targets(tmp_path, "window: 3\ntargets:\n  gini: [1, 2\n")
    with pytest.raises(AnalysisInputError, match=rf"^{path}:4:1: YAML syntax error: "):
        read_targets(path)


def test_moments_are_replicate_means_of_the_last_window(write_run, tmp_path):
    values = np.random.default_rng(41).normal(size=(3, 10))
    run_path = write_run("run.h5", {"gini": values})
    targets = read_targets(write_targets(tmp_path, "window: 4\ntargets:\n  gini: {value: 0, band: [-1, 1]}\n"
                                                   "  absent: {value: 0, band: [-1, 1]}\n"))
    with open_run(run_path) as run:
        moments = run_moments(run, targets)
    assert moments == {"gini": pytest.approx(values[:, -4:].mean())}
    table = fit_table(targets, moments)
    assert table.loc[0, "inside"] == (abs(values[:, -4:].mean()) <= 1)
    assert table.loc[1, "inside"] is None and np.isnan(table.loc[1, "model"])
    assert loss(targets, moments) == float("inf")  # a missing moment can never fit


def test_loss_scales_errors_by_the_band_half_width(tmp_path):
    targets = read_targets(write_targets(tmp_path, "window: 1\ntargets:\n"
                                                   "  small: {value: 0.04, band: [0.03, 0.05]}\n"
                                                   "  large: {value: 800, band: [700, 900]}\n"))
    # One half-width off on each: the same weight whatever the scale of the metric.
    assert loss(targets, {"small": 0.05, "large": 900}) == pytest.approx(2.0)
    assert loss(targets, {"small": 0.04, "large": 800}) == 0.0


@pytest.mark.parametrize("text, message", [
    ("boltzmann.width", "must look like path=low:high"),
    ("boltzmann.width=5:2", "low < high"),
    ("boltzmann.width=1.5:4:int", "integer bounds"),
    ("boltzmann.width=1:4:float", "may only be 'int'"),
])
def test_bad_parameter_specs_are_explained(text, message):
    with pytest.raises(AnalysisInputError, match=message):
        parse_parameter(text)


def test_parameter_specs_parse_bounds_and_integrality():
    assert parse_parameter("a.b=0:0.5") == FitParameter("a.b", 0.0, 0.5, False)
    width = parse_parameter("boltzmann.width=2:40:int")
    assert width.is_integer and width.value(7.6) == 8 and width.value(99) == 40
    assert width.override(8) == "boltzmann.width=8"


def test_calibration_recovers_parameters_of_a_known_model(tmp_path):
    targets = read_targets(write_targets(tmp_path, "window: 1\ntargets:\n"
                                                   "  output: {value: 9.0, band: [8.5, 9.5]}\n"
                                                   "  ratio: {value: 0.25, band: [0.2, 0.3]}\n"))
    calls = []

    def simulate(values):
        calls.append(dict(values))
        return {"output": 2 * values["x"] + 1, "ratio": values["y"] / 4}   # exact at x = 4, y = 1

    parameters = [FitParameter("x", 0, 10), FitParameter("y", 0, 3)]
    result = calibrate(targets, parameters, simulate, budget=150, method="nelder-mead")
    assert result.best.values["x"] == pytest.approx(4.0, abs=1e-2)
    assert result.best.values["y"] == pytest.approx(1.0, abs=1e-2)
    assert result.table["inside"].all()
    assert len(calls) <= 150


def test_integer_parameters_are_rounded_and_each_value_run_once(tmp_path):
    targets = read_targets(write_targets(tmp_path, "window: 1\ntargets:\n  output: {value: 49, band: [45, 53]}\n"))
    calls = []

    def simulate(values):
        calls.append(values["n"])
        return {"output": float(values["n"]) ** 2}                          # exact at n = 7

    result = calibrate(targets, [FitParameter("n", 1, 30, is_integer=True)], simulate, budget=40)
    assert result.best.values["n"] == 7 and isinstance(result.best.values["n"], int)
    assert len(calls) == len(set(calls)) <= 40
    assert result.overrides == ["n=7"]


def test_the_national_preset_fits_fewer_parameters_than_it_has_targets():
    from analysis.calibration_preset import preset_path, read_preset
    preset = read_preset(preset_path("national"))
    targets = read_targets(preset.targets)
    assert preset.scenario.name == "national.yaml" and preset.scenario.is_file()
    assert "applied_industrialized_share" in targets.metrics and len(targets.metrics) == 9
    assert 0 < len(preset.parameters) < len(targets.metrics)   # over-identified: a J-test exists
    assert all(p.low < p.start < p.high for p in preset.parameters)
    assert (preset.seed, preset.method, preset.weighting) == (2023, "nelder-mead", "optimal")


def test_every_problem_of_a_preset_is_reported_with_line_and_column(tmp_path):
    from analysis.calibration_preset import read_preset
    (tmp_path / "targets.yaml").write_text("window: 1\ntargets:\n  x: {value: 0, band: [-1, 1]}\n")
    path = tmp_path / "p-calibration.yaml"
    path.write_text("""\
scenario: missing.yaml
targets: targets.yaml
replicates: 0
methd: nelder-mead
weighting: diagonl
parameters:
  a: {low: 1, high: 0, start: 0.5}
  b: {low: 0, high: 1, start: 2}
  c: {low: 0, high: 1}
""")
    with pytest.raises(AnalysisInputError) as error:
        read_preset(path)
    assert str(error.value).splitlines() == [
        f"{path}:4:1: unknown key 'methd' in the calibration preset; did you mean 'method'? (allowed: "
        "description, scenario, targets, seed, replicates, budget, method, weighting, parameters)",
        f"{path}:1:11: 'scenario' names 'missing.yaml', which does not exist (looked for "
        f"'{tmp_path / 'missing.yaml'}')",
        f"{path}:3:13: 'replicates' must be an integer ≥ 1, got '0'",
        f"{path}:5:12: 'weighting' must be one of optimal, diagonal, got 'diagonl'; did you mean 'diagonal'?",
        f"{path}:7:12: parameter 'a' needs low < high, got [1, 0]",
        f"{path}:8:31: 'start' 2 of parameter 'b' lies outside [0, 1]",
        f"{path}:9:3: parameter 'c' has no 'start'",
    ]


def test_an_unknown_preset_name_gets_a_suggestion():
    from analysis.calibration_preset import preset_path
    with pytest.raises(AnalysisInputError, match=r"^no calibration preset 'nationl'; did you mean 'national'\?"):
        preset_path("nationl")
