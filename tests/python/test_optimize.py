"""The best mix for a budget (issue 18): the search on a function with a known optimum, and the whole
`analysis optimize` on the model at small size.

The synthetic evaluator stands in for the simulator: a smooth function of the shares plus noise
that is common to every mix for a given replicate (as common random numbers make it) and a little
of each mix's own. The model test asserts properties (files written, the recommended mix ties or
beats the shipped one under common random numbers, a re-run reuses every run), not values: the
instruments' internals change.
"""
import json

import numpy as np
import pytest

from analysis.emulator import expected_improvement
from analysis.errors import AnalysisInputError
from analysis.mix_space import make_space, maximin_design
from analysis.optimize import Settings, optimize
from conftest import run_analysis

OPTIMUM = np.array([0.6, 0.3, 0.1])
# The search must land this close (Euclidean distance in shares) with this many evaluations.
TOLERANCE = 0.08
EVALUATIONS = 16


class Synthetic:
    """1 - 4 |x - OPTIMUM|^2, plus N(0, 0.05) per replicate shared by every mix and N(0, 0.01) of its own."""

    def __init__(self, optimum=OPTIMUM):
        self.optimum = np.asarray(optimum)
        self.runs = 0
        self.shipped_shares = np.array([0.4, 0.3, 0.3])

    def true_value(self, shares):
        return 1.0 - 4.0 * np.sum((np.asarray(shares) - self.optimum) ** 2)

    def evaluate(self, shares, replicates):
        self.runs += 1
        common = np.random.default_rng(7).normal(0.0, 0.05, replicates)
        own_seed = int(np.round(np.asarray(shares) * 1e6).sum()) % 2**32
        own = np.random.default_rng(own_seed).normal(0.0, 0.01, replicates)
        return self.true_value(shares) + common + own

    def evaluate_shipped(self, replicates):
        return self.evaluate(self.shipped_shares, replicates)


def quiet(_line):
    pass


SETTINGS = Settings(runs=EVALUATIONS, initial=8, batch=2, replicates=4, confirm_replicates=8, top=3)


def test_the_search_finds_a_known_optimum_inside_the_simplex():
    evaluator = Synthetic()
    result = optimize(make_space(["a", "b", "c"]), evaluator, SETTINGS, log=quiet)
    assert np.linalg.norm(result.recommended.shares - OPTIMUM) < TOLERANCE
    assert len(result.values) == EVALUATIONS
    # Confirmation: the shipped mix (true value 0.68) is distinguishably worse, by a paired interval.
    shipped = next(c for c in result.confirmed if c.role == "shipped")
    assert shipped.difference["high"] < 0.0
    assert evaluator.runs == EVALUATIONS + len(result.confirmed)


def test_the_search_respects_share_bounds_and_finds_the_optimum_on_the_boundary():
    # a is capped at 0.4: the best feasible mix is the projection (0.4, 0.4, 0.2) of the optimum.
    space = make_space(["a", "b", "c"], lower=[0.0, 0.0, 0.0], upper=[0.4, 1.0, 1.0])
    result = optimize(space, Synthetic(), SETTINGS, log=quiet)
    assert space.is_feasible(result.shares).all()
    assert result.recommended.shares[0] <= 0.4 + 1e-9
    assert np.linalg.norm(result.recommended.shares - np.array([0.4, 0.4, 0.2])) < TOLERANCE


def test_the_design_is_feasible_and_spread_out():
    space = make_space(["a", "b", "c", "d"], lower=[0.1, 0.0, 0.0, 0.0], upper=[1.0, 0.5, 1.0, 1.0])
    design = maximin_design(space, 12, seed=1)
    assert space.is_feasible(design).all()
    distances = np.linalg.norm(design[:, None, :] - design[None, :, :], axis=2)[np.triu_indices(12, 1)]
    random_points = space.sample(12, seed=1)
    random_distances = np.linalg.norm(random_points[:, None] - random_points[None], axis=2)[np.triu_indices(12, 1)]
    assert distances.min() > random_distances.min()


def test_bounds_that_no_mix_satisfies_are_refused():
    with pytest.raises(AnalysisInputError, match="no mix fits"):
        make_space(["a", "b"], lower=[0.6, 0.6])
    with pytest.raises(AnalysisInputError, match="0 <= min <= max <= 1"):
        make_space(["a", "b"], lower=[0.5, 0.0], upper=[0.2, 1.0])


def test_expected_improvement_prefers_a_high_mean_or_a_wide_uncertainty():
    ei = expected_improvement(np.array([1.0, 0.5, 0.5]), np.array([0.1, 0.1, 1.0]), best=0.9, maximize=True)
    assert ei[0] > ei[1] and ei[2] > ei[1]
    assert expected_improvement(np.array([0.0]), np.array([0.1]), best=0.9, maximize=False)[0] > 0.85


# -- on the model -------------------------------------------------------------------------------

SCENARIO = """model: ecosystem
base: {base}
replicates: 2
steps: 12
ecosystem:
  initial_state: {{spin_up_quarters: 4}}
"""
SMALL = ["--runs", "6", "--initial", "4", "--batch", "2", "--replicates", "2", "--confirm-replicates", "2",
         "--top", "2", "--window", "4", "--quiet"]


@pytest.fixture(scope="module")
def optimised(innosim, tmp_path_factory):
    from conftest import REPO

    folder = tmp_path_factory.mktemp("optimize")
    scenario = folder / "tiny.yaml"
    scenario.write_text(SCENARIO.format(base=REPO / "scenarios" / "planning" / "nansha_mix.yaml"), encoding="utf-8")
    result = run_analysis("optimize", scenario, "-o", folder / "out", "--innosim", innosim, *SMALL)
    assert result.returncode == 0, result.stderr
    return folder, scenario, result.stdout


def test_optimize_writes_its_answer_and_pictures(optimised):
    folder, _, stdout = optimised
    out = folder / "out"
    for name in ["optimization.json", "summary.md", "response.png", "traces.png"]:
        assert (out / name).stat().st_size > 0, name
    data = json.loads((out / "optimization.json").read_text())
    assert len(data["points"]) == 6
    assert abs(sum(data["recommended"]["mix"].values()) - 1.0) < 1e-3
    assert {c["role"] for c in data["confirmation"]} == {"candidate", "shipped", "single instrument"}
    assert np.isfinite(data["emulator"]["loo_rmse"])
    assert "recommended mix:" in stdout and "Recommended mix" in (out / "summary.md").read_text()


def test_the_recommended_mix_ties_or_beats_the_shipped_mix(optimised):
    folder, _, _ = optimised
    data = json.loads((folder / "out" / "optimization.json").read_text())
    shipped = next(c for c in data["confirmation"] if c["role"] == "shipped")
    # shipped - recommended, paired by replicate: not distinguishably above 0 (the objective is maximised).
    assert shipped["difference_from_recommended"]["low"] <= 0.0


def test_a_finished_folder_is_refused_and_forcing_reuses_every_run(optimised, innosim):
    folder, scenario, _ = optimised
    refused = run_analysis("optimize", scenario, "-o", folder / "out", "--innosim", innosim, *SMALL)
    assert refused.returncode == 2 and "--force" in refused.stderr
    before = json.loads((folder / "out" / "optimization.json").read_text())
    again = run_analysis("optimize", scenario, "-o", folder / "out", "--innosim", innosim, *SMALL, "--force")
    assert again.returncode == 0, again.stderr
    after = json.loads((folder / "out" / "optimization.json").read_text())
    assert after["simulator_runs"]["total"] == 0 and after["reused_runs"] > 0
    assert after["recommended"]["mix"] == before["recommended"]["mix"]


def test_each_batch_is_one_list_sweep_and_shards_give_the_same_answer(optimised, innosim):
    folder, scenario, _ = optimised
    batches = sorted((folder / "out" / "sweeps").glob("batch-*/batch.yaml"))
    # --initial 4 --runs 6 --batch 2: the design, one round of 2 mixes, the confirmation.
    assert len(batches) == 3
    assert all("design: list" in batch.read_text() for batch in batches)
    assert all((batch.parent / "sweep.h5").exists() for batch in batches)
    sharded = run_analysis("optimize", scenario, "-o", folder / "sharded", "--innosim", innosim, *SMALL,
                           "--shards", "2")
    assert sharded.returncode == 0, sharded.stderr
    one = json.loads((folder / "out" / "optimization.json").read_text())
    two = json.loads((folder / "sharded" / "optimization.json").read_text())
    differ = {key for key in one if one[key] != two[key]}
    assert differ <= {"command_line", "wall_seconds", "reused_runs", "simulator_runs"}, differ
    assert two["points"] == one["points"] and two["confirmation"] == one["confirmation"]


def test_the_report_puts_the_best_mix_on_its_first_screen(optimised):
    # The base run is a small file of one metric (the report of a model run draws every metric's time
    # series, which is slow and not what this test is about).
    from conftest import write_run_file

    folder, _, _ = optimised
    run = write_run_file(folder / "base.h5", {"results_applied_share": np.full((2, 5), 0.2)})
    result = run_analysis("report", run, "--optimization", folder / "out", "-o", folder / "report.html")
    assert result.returncode == 0, result.stderr
    html = (folder / "report.html").read_text()
    assert html.index('id="optimization"') < html.index('id="runs"')
    assert 'id="response-surface"' in html and "Recommended:" in html


def test_the_report_refuses_a_folder_without_an_optimisation(tmp_path):
    from conftest import write_run_file

    run = write_run_file(tmp_path / "base.h5", {"results_applied_share": np.full((2, 5), 0.2)})
    result = run_analysis("report", run, "--optimization", tmp_path, "-o", tmp_path / "report.html")
    assert result.returncode == 2 and "optimization.json" in result.stderr
    assert not (tmp_path / "report.html").exists()


def test_mpi_is_refused_when_innosim_has_no_mpi(tmp_path):
    from analysis.mix_evaluator import SimulatorEvaluator
    from analysis.objective import parse_objective

    # A stand-in innosim: `check --resolved` gives a mix, `sweep --help` the footer of a build without MPI.
    fake = tmp_path / "innosim"
    fake.write_text("#!/bin/sh\n"
                    "if [ \"$1\" = check ]; then printf 'ok\\necosystem:\\n  policies:\\n"
                    "    - {name: a, mix_share: 1.0}\\n'; fi\n"
                    "if [ \"$1\" = sweep ]; then echo 'This build has no MPI; configure with -DINNOSIM_MPI=ON'; fi\n")
    fake.chmod(0o755)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("model: ecosystem\n")
    objective = parse_objective("results_applied_share", 4, True)
    SimulatorEvaluator(fake, scenario, tmp_path / "out", objective, ["a"])   # without --mpi: accepted
    with pytest.raises(AnalysisInputError, match="--mpi needs an innosim built with MPI"):
        SimulatorEvaluator(fake, scenario, tmp_path / "out", objective, ["a"], mpi=2)
