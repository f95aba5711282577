"""analysis/load.py: reading run files, and the exact messages for files that are not innosim outputs."""
import h5py
import numpy as np
import pytest

from analysis import AnalysisInputError, open_run


def test_run_exposes_manifest_metrics_and_shapes(write_run):
    gini = np.linspace(0, 0.6, 3 * 11).reshape(3, 11)
    path = write_run("run.h5", {"gini": gini, "wealth_total": np.full((3, 11), 300.0)},
                     units={"gini": "1", "wealth_total": "units"}, manifest={"seed": 7, "model": "boltzmann"})
    with open_run(path) as run:
        assert run.manifest["seed"] == 7 and isinstance(run.manifest["seed"], int)
        assert run.manifest["model"] == "boltzmann"
        assert run.manifest["scenario_yaml"].startswith("model:")
        assert run.metric_names == ["gini", "wealth_total"]
        assert (run.replicates, run.steps) == (3, 10)
        np.testing.assert_array_equal(run.metric("gini"), gini)
        assert run.metric_info("wealth_total").unit == "units"


def test_tidy_metrics_have_one_row_per_replicate_step_and_metric(write_run):
    gini = np.arange(2 * 4, dtype=float).reshape(2, 4)
    path = write_run("run.h5", {"gini": gini, "wealth_max": gini * 10}, units={"gini": "1", "wealth_max": "units"})
    with open_run(path) as run:
        frame = run.metrics()
    assert list(frame.columns) == ["replicate", "step", "metric", "value", "unit"]
    assert len(frame) == 2 * 4 * 2
    row = frame[(frame.metric == "wealth_max") & (frame.replicate == 1) & (frame.step == 2)]
    assert row.value.item() == gini[1, 2] * 10
    assert row.unit.item() == "units"


def test_panel_and_events_are_long_format_frames(write_run):
    panel = {"replicate": [0, 0, 1, 1], "step": [0, 10, 0, 10], "id": [1, 1, 1, 1],
             "wealth": np.array([1, 3, 1, 0], dtype=np.int64), "x": np.array([2, 4, 5, 6], dtype=np.int32)}
    events = {"replicate": [0], "step": [3], "id": [9], "amount": [2.5]}
    path = write_run("run.h5", {"gini": np.zeros((2, 11))}, panels={"agent": panel}, events={"deal": events})
    with open_run(path) as run:
        assert run.panel_kinds() == ["agent"] and run.event_kinds() == ["deal"]
        frame = run.panel("agent")
        assert list(frame.columns) == ["replicate", "step", "id", "wealth", "x"]
        assert frame.wealth.tolist() == [1, 3, 1, 0]
        assert frame.x.dtype == np.int32
        assert run.panel("agent", ["x"]).columns.tolist() == ["replicate", "step", "id", "x"]
        assert run.events("deal").amount.tolist() == [2.5]


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nope.h5"
    with pytest.raises(AnalysisInputError) as error:
        open_run(path)
    assert str(error.value) == f"cannot open '{path}': no such file"


def test_text_file_is_not_hdf5(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("not a simulation\n")
    with pytest.raises(AnalysisInputError) as error:
        open_run(path)
    assert str(error.value) == f"'{path}' is not a readable HDF5 file (truncated or not HDF5)"


def test_truncated_file_is_not_readable(write_run):
    path = write_run("run.h5", {"gini": np.zeros((2, 50))})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(AnalysisInputError) as error:
        open_run(path)
    assert str(error.value) == f"'{path}' is not a readable HDF5 file (truncated or not HDF5)"


def test_hdf5_without_format_attribute_is_not_innosim(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as file:
        file["data"] = np.arange(3)
    with pytest.raises(AnalysisInputError) as error:
        open_run(path)
    assert str(error.value) == f"'{path}' is not an innosim output (no 'format' attribute at the root)"


def test_foreign_format_attribute_is_named(write_run):
    path = write_run("run.h5", {"gini": np.zeros((1, 2))}, format_name="netcdf")
    with pytest.raises(AnalysisInputError) as error:
        open_run(path)
    assert str(error.value) == (f"'{path}' is not an innosim output "
                                "(its 'format' attribute is 'netcdf', not 'innosim-output')")


def test_newer_format_version_asks_for_an_update(write_run):
    path = write_run("run.h5", {"gini": np.zeros((1, 2))}, format_version=2)
    with pytest.raises(AnalysisInputError) as error:
        open_run(path)
    assert str(error.value) == (f"'{path}' has output format version 2, newer than this analysis reads (1); "
                                "update the analysis package")


def test_unknown_metric_suggests_the_closest_name(write_run):
    path = write_run("run.h5", {"gini": np.zeros((1, 2)), "wealth_max": np.zeros((1, 2))})
    with open_run(path) as run, pytest.raises(AnalysisInputError) as error:
        run.metric("gnii")
    assert str(error.value) == (f"'{path}' has no metric 'gnii'; did you mean 'gini'? "
                                "(metrics: gini, wealth_max)")


def test_unknown_metric_without_close_name_lists_the_metrics(write_run):
    path = write_run("run.h5", {"gini": np.zeros((1, 2))})
    with open_run(path) as run, pytest.raises(AnalysisInputError) as error:
        run.metric("patents_live")
    assert str(error.value) == f"'{path}' has no metric 'patents_live' (metrics: gini)"


def test_unknown_panel_suggests_the_closest_kind(write_run):
    panel = {"replicate": [0], "step": [0], "id": [1], "revenue": [1.0]}
    path = write_run("run.h5", {"gini": np.zeros((1, 2))}, panels={"firm": panel})
    with open_run(path) as run, pytest.raises(AnalysisInputError) as error:
        run.panel("frim")
    assert str(error.value) == f"'{path}' has no agent panel 'frim'; did you mean 'firm'? (agent panels: firm)"


def test_columns_of_different_lengths_are_reported(write_run):
    panel = {"replicate": [0, 0], "step": [0, 0], "id": [1, 2], "revenue": [1.0]}
    path = write_run("run.h5", {"gini": np.zeros((1, 2))}, panels={"firm": panel})
    with open_run(path) as run, pytest.raises(AnalysisInputError, match="revenue has 1 rows, expected 2"):
        run.panel("firm")
