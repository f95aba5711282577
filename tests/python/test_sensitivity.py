"""analysis/sensitivity.py and analysis/sweep.py: Sobol and Morris against functions with known answers."""
import h5py
import numpy as np
import pytest

from analysis import AnalysisInputError, open_sweep
from analysis.sensitivity import (elementary_effects, morris_indices, morris_sample, saltelli_sample,
                                  sobol_indices)


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


def test_sobol_indices_of_ishigami_match_the_analytic_values():
    design = saltelli_sample([[-np.pi, np.pi]] * 3, 4096, seed=1)
    table = sobol_indices(ishigami(design), ["x1", "x2", "x3"], bootstrap=500, seed=2)
    first, total = ishigami_indices()
    np.testing.assert_allclose(table["S1"], first, atol=0.03)
    np.testing.assert_allclose(table["ST"], total, atol=0.03)
    # The bootstrap intervals bracket both the estimate and the truth.
    assert (table["S1_low"] <= table["S1"]).all() and (table["S1"] <= table["S1_high"]).all()
    assert (table["S1_low"] <= first).all() and (first <= table["S1_high"]).all()
    assert (table["ST_low"] <= total).all() and (total <= table["ST_high"]).all()


def test_bootstrap_intervals_shrink_with_more_samples():
    widths = []
    for base in (256, 4096):
        design = saltelli_sample([[-np.pi, np.pi]] * 3, base, seed=3)
        table = sobol_indices(ishigami(design), ["x1", "x2", "x3"], bootstrap=200, seed=4)
        widths.append((table["ST_high"] - table["ST_low"]).to_numpy())
    assert (widths[1] < widths[0] / 2).all()


def test_saltelli_rows_are_a_then_each_ab_then_b():
    design = saltelli_sample([[0, 1], [10, 20]], 8, seed=5)
    blocks = design.reshape(8, 4, 2)
    a, b = blocks[:, 0], blocks[:, 3]
    np.testing.assert_array_equal(blocks[:, 1], np.column_stack([b[:, 0], a[:, 1]]))  # AB_1
    np.testing.assert_array_equal(blocks[:, 2], np.column_stack([a[:, 0], b[:, 1]]))  # AB_2
    assert (design[:, 1] >= 10).all() and (design[:, 1] <= 20).all()


def test_saltelli_sample_needs_a_power_of_two():
    with pytest.raises(AnalysisInputError, match="must be a power of 2 .* got 1000; use 1024"):
        saltelli_sample([[0, 1]], 1000)


def test_additive_model_has_equal_first_and_total_indices():
    design = saltelli_sample([[0, 1]] * 3, 2048, seed=6)
    table = sobol_indices(3 * design[:, 0] + design[:, 1], ["a", "b", "c"], bootstrap=0)
    expected = np.array([9, 1, 0]) / 10  # variances 9/12, 1/12, 0 of the total 10/12
    np.testing.assert_allclose(table["S1"], expected, atol=0.02)
    np.testing.assert_allclose(table["ST"], expected, atol=0.02)


def screening_function(x):
    """Strong linear x0, quadratic x1, x2 interacting with x3, inert x4, weak linear x5."""
    return 10 * x[:, 0] + 5 * x[:, 1] ** 2 + x[:, 2] + 3 * x[:, 2] * x[:, 3] + 0.1 * x[:, 5]


def test_morris_ranks_known_influential_inputs():
    bounds = [[0, 1]] * 6
    design = morris_sample(bounds, trajectories=30, seed=7)
    table = morris_indices(design, screening_function(design), [f"x{i}" for i in range(6)], bounds)
    ranking = table.sort_values("mu_star", ascending=False)["parameter"].tolist()
    assert ranking[:2] == ["x0", "x1"]
    assert ranking[-2:] == ["x5", "x4"]
    assert table.loc[0, "mu_star"] == pytest.approx(10.0)        # linear: every effect is the slope
    assert table.loc[0, "sigma"] == pytest.approx(0.0, abs=1e-9)
    assert table.loc[4, "mu_star"] == 0.0
    assert table.loc[1, "sigma"] > 0.5 and table.loc[3, "sigma"] > 0.5  # non-linear, interacting


def test_morris_trajectories_move_one_parameter_by_delta_per_row():
    design = morris_sample([[0, 1], [0, 1], [-5, 5]], trajectories=5, levels=4, seed=8)
    steps = np.diff(design.reshape(5, 4, 3), axis=1)
    assert ((np.abs(steps) > 0).sum(axis=2) == 1).all()
    unit = (design - [0, 0, -5]) / [1, 1, 10]
    assert np.isin(np.round(unit * 3, 9), [0, 1, 2, 3]).all()  # on the 4-level grid
    # delta = p / (2 (p - 1)) = 2/3 of the range for p = 4 levels
    assert np.allclose(np.abs(np.diff(unit.reshape(5, 4, 3), axis=1)).sum(axis=2), 2 / 3)


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


def test_sensitivity_command_on_a_sobol_sweep(tmp_path, analysis_cli, write_run_at):
    design = saltelli_sample([[0, 1]] * 3, 64, seed=9)
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


def test_sensitivity_command_on_a_morris_sweep(tmp_path, analysis_cli, write_run_at):
    bounds = [[0, 10], [0, 1], [100, 200]]
    design = morris_sample(bounds, trajectories=6, seed=10)
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
