"""analysis/sensitivity.py and analysis/sweep.py: Sobol and Morris against functions with known answers.

The designs are the engine's (`innosim design`, through analysis.design.engine_design): these
tests check the C++ Saltelli and Morris designs through the command line, and the estimators on them.
"""
import subprocess

import h5py
import numpy as np
import pytest

from analysis import AnalysisInputError, open_sweep
from analysis.design import engine_design
from analysis.sensitivity import elementary_effects, morris_indices, sobol_indices

from conftest import REPO


@pytest.fixture(scope="session")
def design(innosim):
    """design(method, bounds, points, seed, levels=4): engine_design with the engine under test."""
    def make(method, bounds, points, seed=0, levels=4):
        return engine_design(method, bounds, points, seed, levels=levels, innosim=innosim)
    return make


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    """Analytic first- and total-order indices (Ishigami & Homma 1990; Sobol' & Levitan 1999)."""
    variance = a ** 2 / 8 + b * np.pi ** 4 / 5 + b ** 2 * np.pi ** 8 / 18 + 0.5
    v1 = 0.5 * (1 + b * np.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * np.pi ** 8 * (1 / 18 - 1 / 50)
    first = np.array([v1, v2, 0.0]) / variance
    total = np.array([v1 + v13, v2, v13]) / variance
    return first, total


def test_analytic_ishigami_indices_are_the_published_ones():
    first, total = ishigami_indices()
    np.testing.assert_allclose(first, [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(total, [0.5576, 0.4424, 0.2437], atol=1e-4)


def test_sobol_indices_of_ishigami_match_the_analytic_values(design):
    x = design("sobol", [[-np.pi, np.pi]] * 3, 4096, seed=1)
    table = sobol_indices(ishigami(x), ["x1", "x2", "x3"], bootstrap=500, seed=2)
    first, total = ishigami_indices()
    # 3 * 4096 = 20480 evaluations put the estimates within about 0.001 of the truth for seeds 1-3.
    np.testing.assert_allclose(table["S1"], first, atol=0.01)
    np.testing.assert_allclose(table["ST"], total, atol=0.01)
    # The bootstrap intervals bracket both the estimate and the truth.
    assert (table["S1_low"] <= table["S1"]).all() and (table["S1"] <= table["S1_high"]).all()
    assert (table["S1_low"] <= first).all() and (first <= table["S1_high"]).all()
    assert (table["ST_low"] <= total).all() and (total <= table["ST_high"]).all()


def test_bootstrap_intervals_shrink_with_more_samples(design):
    widths = []
    for base in (256, 4096):
        x = design("sobol", [[-np.pi, np.pi]] * 3, base, seed=3)
        table = sobol_indices(ishigami(x), ["x1", "x2", "x3"], bootstrap=200, seed=4)
        widths.append((table["ST_high"] - table["ST_low"]).to_numpy())
    assert (widths[1] < widths[0] / 2).all()


def test_saltelli_rows_are_a_then_each_ab_then_b(design):
    x = design("sobol", [[0, 1], [10, 20], [-1, 1]], 8, seed=5)
    assert x.shape == (8 * 5, 3)
    blocks = x.reshape(8, 5, 3)
    a, b = blocks[:, 0], blocks[:, 4]
    for i in range(3):  # AB_i: A with column i from B
        expected = a.copy()
        expected[:, i] = b[:, i]
        np.testing.assert_array_equal(blocks[:, 1 + i], expected)
    assert (a != b).all()
    assert (x[:, 1] >= 10).all() and (x[:, 1] < 20).all()
    # A and B are halves of one 6-dimensional Sobol sequence: 8 points put one in each eighth
    # of every column (the net property, which the digital shift keeps).
    unit = np.column_stack([(a - [0, 10, -1]) / [1, 10, 2], (b - [0, 10, -1]) / [1, 10, 2]])
    for column in unit.T:
        assert sorted(np.floor(column * 8).astype(int)) == list(range(8))


def test_saltelli_design_depends_on_the_seed_only(design):
    bounds = [[0, 1]] * 2
    np.testing.assert_array_equal(design("sobol", bounds, 16, seed=7), design("sobol", bounds, 16, seed=7))
    assert not np.array_equal(design("sobol", bounds, 16, seed=7), design("sobol", bounds, 16, seed=8))


def test_engine_refusals_come_back_as_input_errors(design):
    with pytest.raises(AnalysisInputError, match="power of two >= 2 .* got 1000; use 1024"):
        design("sobol", [[0, 1]], 1000)
    with pytest.raises(AnalysisInputError, match="design 'sobol' supports at most 20 parameters, got 21"):
        design("sobol", [[0, 1]] * 21, 4)
    with pytest.raises(AnalysisInputError, match="even number of levels .* got 5"):
        design("morris", [[0, 1]] * 2, 4, levels=5)
    with pytest.raises(AnalysisInputError, match="--points: expected 1 to 1000000 trajectories, got 0"):
        design("morris", [[0, 1]] * 2, 0)
    with pytest.raises(AnalysisInputError, match=r"bounds of parameter 1 must have low < high, got \[2.0, 1.0\]"):
        design("lhs", [[0, 1], [2, 1]], 4)


def test_design_command_errors_exit_2_and_write_nothing(innosim, tmp_path):
    for args in (["morris", "--parameters", "3", "--points", "4", "--levels", "3"],
                 ["sobol", "--parameters", "21", "--points", "4"],
                 ["lhs", "--parameters", "3", "--points", "0"],
                 ["sobl", "--parameters", "3", "--points", "4"]):
        result = subprocess.run([innosim, "design", *args, "-o", tmp_path / "d.csv"], capture_output=True, text=True)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stdout == "" and result.stderr.count("\n") == 1
        assert list(tmp_path.iterdir()) == []
    result = subprocess.run([innosim, "design", "sobl", "--parameters", "3", "--points", "4"],
                            capture_output=True, text=True)
    assert "unknown design method 'sobl'; expected lhs, sobol, morris or simplex (did you mean 'sobol'?)" in result.stderr


def test_design_command_writes_a_file_once(innosim, tmp_path):
    target = tmp_path / "d.csv"
    command = [innosim, "design", "lhs", "--parameters", "2", "--points", "5", "-o", target]
    assert subprocess.run(command, capture_output=True).returncode == 0
    first = target.read_text()
    assert first.splitlines()[0] == "x0,x1" and len(first.splitlines()) == 6
    again = subprocess.run([*command, "--seed", "1"], capture_output=True, text=True)
    assert again.returncode == 3 and "already exists; use --force" in again.stderr
    assert target.read_text() == first
    assert subprocess.run([*command, "--seed", "1", "--force"], capture_output=True).returncode == 0
    assert target.read_text() != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]  # no partial file left


def test_latin_hypercube_puts_one_point_in_each_stratum(design):
    x = design("lhs", [[0, 1], [0, 1], [5, 6]], 10, seed=3)
    for column in (x - [0, 0, 5]).T:
        assert sorted(np.floor(column * 10).astype(int)) == list(range(10))


def test_design_rows_are_the_rows_the_sweep_runs(innosim, design):
    """The shipped Sobol sweep's plan is the engine design scaled to its ranges, integers rounded."""
    sweep_file = REPO / "scenarios" / "sweeps" / "boltzmann_sobol.yaml"  # seed 2026, N 16, 3 integer ranges
    plan = subprocess.run([innosim, "sweep", sweep_file, "--plan"], capture_output=True, text=True, check=True)
    rows = [line.split() for line in plan.stdout.splitlines()[2:] if line.split()[0].isdigit()]
    planned = np.array([[float(v) for v in row[1:]] for row in rows])  # the plan lists the first 50
    x = design("sobol", [[500, 5000], [10, 60], [10, 60]], 16, seed=2026)
    assert x.shape == (80, 3) and planned.shape == (50, 3)
    assert [int(row[0]) for row in rows] == list(range(50))
    np.testing.assert_array_equal(planned, np.floor(x[:50] + 0.5))


def test_additive_model_has_equal_first_and_total_indices(design):
    x = design("sobol", [[0, 1]] * 3, 2048, seed=6)
    table = sobol_indices(3 * x[:, 0] + x[:, 1], ["a", "b", "c"], bootstrap=0)
    expected = np.array([9, 1, 0]) / 10  # variances 9/12, 1/12, 0 of the total 10/12
    np.testing.assert_allclose(table["S1"], expected, atol=0.02)
    np.testing.assert_allclose(table["ST"], expected, atol=0.02)


def screening_function(x):
    """Strong linear x0, quadratic x1, x2 interacting with x3, inert x4, weak linear x5."""
    return 10 * x[:, 0] + 5 * x[:, 1] ** 2 + x[:, 2] + 3 * x[:, 2] * x[:, 3] + 0.1 * x[:, 5]


def test_morris_ranks_known_influential_inputs(design):
    bounds = [[0, 1]] * 6
    x = design("morris", bounds, 30, seed=7)
    table = morris_indices(x, screening_function(x), [f"x{i}" for i in range(6)], bounds)
    ranking = table.sort_values("mu_star", ascending=False)["parameter"].tolist()
    assert ranking[:2] == ["x0", "x1"]
    assert ranking[-2:] == ["x5", "x4"]
    assert table.loc[0, "mu_star"] == pytest.approx(10.0)        # linear: every effect is the slope
    assert table.loc[0, "sigma"] == pytest.approx(0.0, abs=1e-9)
    assert table.loc[4, "mu_star"] == 0.0
    assert table.loc[1, "sigma"] > 0.5 and table.loc[3, "sigma"] > 0.5  # non-linear, interacting


@pytest.mark.parametrize("levels", [4, 6])
def test_morris_trajectories_move_one_parameter_by_delta_per_row(design, levels):
    x = design("morris", [[0, 1], [0, 1], [-5, 5]], 5, seed=8, levels=levels)
    assert x.shape == (5 * 4, 3)
    unit = (x - [0, 0, -5]) / [1, 1, 10]
    assert np.isin(np.round(unit * (levels - 1), 9), np.arange(levels)).all()  # on the p-level grid
    steps = np.diff(unit.reshape(5, 4, 3), axis=1)
    moved = np.abs(steps) > 1e-12
    assert (moved.sum(axis=2) == 1).all()            # one parameter per row ...
    assert (moved.sum(axis=1) == 1).all()            # ... each once per trajectory
    # delta = p / (2 (p - 1)) of the range
    np.testing.assert_allclose(np.abs(steps).sum(axis=2), levels / (2 * (levels - 1)))


def test_morris_rejects_rows_that_are_not_trajectories():
    design = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]])
    with pytest.raises(AnalysisInputError, match="design rows 0 and 1 differ in 2 parameters"):
        elementary_effects(design, np.zeros(3), [[0, 1], [0, 1]])


def write_sweep(directory, write_run_at, design, names, method, outputs, bounds=None):
    """A sweep folder in the provisional layout of docs/analysis.md: one run file per point, linked."""
    (directory / "points").mkdir(parents=True)
    with h5py.File(directory / "sweep.h5", "w") as file:
        dataset = file.create_dataset("design/X", data=design)
        dataset.attrs["names"] = names
        dataset.attrs["method"] = method
        if bounds is not None:
            dataset.attrs["bounds"] = np.asarray(bounds, dtype=np.float64)
        for index, value in enumerate(outputs):
            name = f"points/point-{index:05d}.h5"
            # Two replicates that straddle the value; the last 2 steps average to it too.
            metric = np.array([[0.0, value - 1, value - 1], [0.0, value + 1, value + 1]])
            write_run_at(directory / name, {"output": metric})
            file[f"points/{index}"] = h5py.ExternalLink(name, "/")
    return directory


def test_sweep_outputs_follow_the_links_relative_to_the_folder(tmp_path, monkeypatch, write_run_at):
    design = np.array([[1.0], [2.0], [3.0]])
    sweep_dir = write_sweep(tmp_path / "sweep", write_run_at, design, ["p"], "morris", [5.0, 7.0, 9.0])
    monkeypatch.chdir(tmp_path.parent)  # links must not depend on the current folder
    sweep = open_sweep(sweep_dir)
    assert sweep.names == ["p"] and sweep.method == "morris"
    np.testing.assert_allclose(sweep.outputs("output"), [5, 7, 9])
    np.testing.assert_allclose(sweep.outputs("output", window=2), [5, 7, 9])


def test_sweep_with_missing_points_says_which(tmp_path):
    (tmp_path / "sweep").mkdir()
    with h5py.File(tmp_path / "sweep" / "sweep.h5", "w") as file:
        dataset = file.create_dataset("design/X", data=np.zeros((3, 1)))
        dataset.attrs["names"] = ["p"]
        dataset.attrs["method"] = "sobol"
        file["points/1"] = h5py.ExternalLink("points/1.h5", "/")
    with pytest.raises(AnalysisInputError, match=r"2 of 3 design points have no run file \(points 0, 2\)"):
        open_sweep(tmp_path / "sweep")


def test_sensitivity_command_on_a_sobol_sweep(tmp_path, analysis_cli, write_run_at, design):
    design = design("sobol", [[0, 1]] * 3, 64, seed=9)
    outputs = 4 * design[:, 0] + 2 * design[:, 1]          # S = 0.8, 0.2, 0
    sweep_dir = write_sweep(tmp_path / "sweep", write_run_at, design, ["grant", "voucher", "noise"], "sobol",
                            outputs)
    result = analysis_cli("sensitivity", sweep_dir, "--output", "output", "--bootstrap", "200", "--csv")
    assert result.returncode == 0, result.stderr
    lines = [line.split(",") for line in result.stdout.strip().splitlines()]
    assert lines[0] == ["parameter", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]
    first = {row[0]: float(row[1]) for row in lines[1:]}
    assert first["grant"] == pytest.approx(0.8, abs=0.1)
    assert first["voucher"] == pytest.approx(0.2, abs=0.1)
    assert abs(first["noise"]) < 0.05
    text = analysis_cli("sensitivity", sweep_dir, "--output", "output", "--bootstrap", "50")
    assert text.returncode == 0 and "sobol design, 320 points, 3 parameters" in text.stdout


def test_sobol_indices_of_a_tiny_base_sample_come_with_a_warning(tmp_path, analysis_cli, write_run_at, design):
    # N = 4 once printed indices with no hint that they mean nothing (issue 17).
    points = design("sobol", [[0, 1]] * 2, 4, seed=3)
    outputs = 4 * points[:, 0] + 2 * points[:, 1]
    sweep_dir = write_sweep(tmp_path / "sweep", write_run_at, points, ["grant", "voucher"], "sobol", outputs)
    result = analysis_cli("sensitivity", sweep_dir, "--output", "output", "--bootstrap", "50", "--csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("warning: N = 4 base samples is too few for Sobol indices to mean anything")
    assert "Use N >= 64, better 512 (`points: 512` in the sweep file: 512 x (d+2) = 2048 runs)" in result.stderr
    assert result.stdout.startswith("parameter,S1")      # the CSV itself stays clean


def test_sobol_indices_of_a_large_base_sample_have_no_warning(design):
    from analysis.sensitivity import analyse
    points = design("sobol", [[0, 1]] * 2, 64, seed=3)
    result = analyse("sobol", points, points[:, 0] + points[:, 1] ** 2, ["a", "b"], bootstrap=20)
    assert result.warning == ""
    small = design("sobol", [[0, 1]] * 2, 32, seed=3)
    assert analyse("sobol", small, small[:, 0] + small[:, 1] ** 2, ["a", "b"], bootstrap=20).warning != ""


def test_sensitivity_command_on_a_morris_sweep(tmp_path, analysis_cli, write_run_at, design):
    bounds = [[0, 10], [0, 1], [100, 200]]
    design = design("morris", bounds, 6, seed=10)
    outputs = 0.5 * design[:, 0] + 0.01 * design[:, 2]      # mu* per full range: 5, 0, 1
    sweep_dir = write_sweep(tmp_path / "sweep", write_run_at, design, ["a", "b", "c"], "morris", outputs, bounds)
    result = analysis_cli("sensitivity", sweep_dir, "--output", "output")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if line[:2] in ("a ", "b ", "c ")]
    assert [row[0] for row in rows] == ["a", "c", "b"]      # sorted by mu*
    assert float(rows[0][1]) == pytest.approx(5.0) and float(rows[1][1]) == pytest.approx(1.0)


def test_sensitivity_command_names_a_missing_sweep_file(tmp_path, analysis_cli):
    result = analysis_cli("sensitivity", tmp_path, "--output", "gini")
    assert result.returncode == 2
    assert result.stderr == (f"error: '{tmp_path}' has no sweep.h5; "
                             "is it the output folder of `innosim sweep`?\n")


def test_sensitivity_of_a_grid_sweep_says_it_needs_sobol_or_morris(tmp_path, write_run_at, analysis_cli):
    design = np.array([[1.0], [2.0], [3.0]])
    sweep_dir = write_sweep(tmp_path / "sweep", write_run_at, design, ["p"], "grid", [5.0, 7.0, 9.0])
    assert open_sweep(sweep_dir).method == "grid"  # a grid sweep is readable for other analyses
    result = analysis_cli("sensitivity", sweep_dir, "--output", "output")
    assert result.returncode == 2
    assert f"'{sweep_dir}' is a 'grid' sweep; sensitivity indices need a 'sobol' or 'morris' design" in result.stderr
