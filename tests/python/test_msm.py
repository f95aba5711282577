"""The MSM estimator on a linear-Gaussian simulator whose parameters, moment covariance and Jacobian are known.

m_r(θ) = a + B θ + ε_r with ε_r ~ N(0, Σ) drawn from a fixed seed for every θ
(common random numbers), and targets t = a + B θ₀ + η with η ~ N(0, Σ_data).
Then θ̂ − θ₀ = (BᵀWB)⁻¹BᵀW(η − ε̄), its covariance is (BᵀWB)⁻¹ with W = S⁻¹,
S = Σ_data + Σ/R, and J = eᵀS⁻¹e is χ² with M − K degrees of freedom.
"""
from pathlib import Path

import numpy as np
import pytest

from analysis import msm
from analysis.calibrate import FitParameter, calibrate
from analysis.targets import Target, Targets

R = 50
A = np.array([1.0, 2.0, 0.5, 3.0])
B = np.array([[1.0, 0.2], [0.3, 1.0], [0.5, -0.4], [0.0, 0.8]])
SIGMA_SIM = np.diag([0.04, 0.09, 0.02, 0.05]) + 0.01
HALF_WIDTHS = np.array([0.2, 0.3, 0.15, 0.25])
THETA_TRUE = np.array([0.7, -0.3])
PARAMETERS = [FitParameter("a", -3.0, 3.0, start=0.0), FitParameter("b", -3.0, 3.0, start=0.0)]


def linear_simulator(a, b, sigma, seed, replicates=R):
    noise = np.random.default_rng(seed).multivariate_normal(np.zeros(len(a)), sigma, size=replicates)
    names = [f"m{i}" for i in range(len(a))]

    def simulate(values):
        theta = np.array([values[p.path] for p in PARAMETERS[:b.shape[1]]])
        draws = a + b @ theta + noise
        return {name: draws[:, i] for i, name in enumerate(names)}

    return simulate


def make_targets(values, half_widths) -> Targets:
    return Targets(Path("synthetic.yaml"), 1, tuple(
        Target(f"m{i}", float(v), (float(v - h), float(v + h))) for i, (v, h) in enumerate(zip(values, half_widths))))


def synthetic_targets(rng, theta=THETA_TRUE, a=A, b=B, half_widths=HALF_WIDTHS):
    return make_targets(a + b @ theta + rng.normal(0, half_widths / 2), half_widths)


def fit(targets, simulate, parameters=PARAMETERS, **options):
    return calibrate(targets, parameters, simulate, budget=400, method="nelder-mead", **options)


def analytic_covariance(sigma_sim=SIGMA_SIM, b=B, half_widths=HALF_WIDTHS):
    s = np.diag((half_widths / 2) ** 2) + sigma_sim / R
    return np.linalg.inv(b.T @ np.linalg.inv(s) @ b), s


def test_the_estimate_recovers_the_true_parameters_within_its_standard_errors():
    result = fit(synthetic_targets(np.random.default_rng(5)), linear_simulator(A, B, SIGMA_SIM, seed=6))
    estimate = np.array([result.best.values[p.path] for p in PARAMETERS])
    assert np.all(np.abs(estimate - THETA_TRUE) < 3 * result.inference.standard_errors)
    np.testing.assert_allclose(result.inference.jacobian, B, atol=1e-6)  # linear: central differences are exact


def test_standard_errors_match_the_analytic_efficient_covariance():
    result = fit(synthetic_targets(np.random.default_rng(7)), linear_simulator(A, B, SIGMA_SIM, seed=8))
    expected, s = analytic_covariance()
    # Σ_sim is estimated from R = 50 replicates, so S (and the SEs) match to a few per cent.
    np.testing.assert_allclose(result.moment_covariance.covariance, s, atol=5e-4)
    np.testing.assert_allclose(result.inference.standard_errors, np.sqrt(np.diag(expected)), rtol=0.05)
    assert result.moment_covariance.effective_moments == 4
    assert result.inference.j_test.dof == 2


def test_the_sandwich_equals_the_inverse_information_under_efficient_weighting():
    expected, s = analytic_covariance()
    sandwich = msm.sandwich_covariance(B, np.linalg.inv(s), s)
    np.testing.assert_allclose(sandwich, expected, rtol=1e-10)
    # Any other W gives a larger (never smaller) variance.
    diagonal = msm.sandwich_covariance(B, np.diag(1 / HALF_WIDTHS ** 2), s)
    assert np.all(np.linalg.eigvalsh(diagonal - expected) > -1e-12)


def test_j_is_chi_squared_under_a_correct_model():
    rng = np.random.default_rng(11)
    statistics = []
    for dataset in range(200):
        result = fit(synthetic_targets(rng), linear_simulator(A, B, SIGMA_SIM, seed=1000 + dataset))
        statistics.append(result.inference.j_test.statistic)
    # dof 2: E[J] = 2, sd of the mean of 200 = 2/sqrt(200) = 0.14; allow 4 of them.
    assert abs(np.mean(statistics) - 2.0) < 0.6
    p_values = [msm.j_test(np.array([np.sqrt(j), 0, 0, 0]), msm.regularised_weighting(np.eye(4)), 2).p_value
                for j in statistics]
    assert 0.02 < np.mean(np.array(p_values) < 0.05) < 0.10  # about 5% rejections


def test_j_is_large_and_rejects_a_misspecified_model():
    # The data come from a model with an extra effect on m3 that the simulator lacks.
    misspecified = A + np.array([0, 0, 0, 1.5])
    targets = make_targets(misspecified + B @ THETA_TRUE, HALF_WIDTHS)
    result = fit(targets, linear_simulator(A, B, SIGMA_SIM, seed=3))
    assert result.inference.j_test.statistic > 20
    assert result.inference.j_test.p_value < 1e-4
    assert "rejected at 5%" in result.inference.j_test.note


def test_collinear_moments_do_not_crash_and_leave_fewer_effective_moments():
    # m2 = m0 + m1 exactly, with no data uncertainty of its own: S is singular.
    sigma = np.array([[0.04, 0.0, 0.04], [0.0, 0.09, 0.09], [0.04, 0.09, 0.13]])
    s = sigma / R
    weighting = msm.regularised_weighting(s)
    assert weighting.effective_moments == 2
    np.testing.assert_allclose(weighting.matrix @ s @ weighting.matrix, weighting.matrix, atol=1e-6 * R)
    jacobian = np.array([[1.0, 0.2], [0.3, 1.0], [1.3, 1.2]])
    test = msm.j_test(np.array([0.01, 0.02, 0.03]), weighting, parameters=2)
    assert test.dof == 0 and test.p_value is None
    assert "no J-test" in test.note and "exactly identified" in test.note
    assert np.all(np.isfinite(msm.sandwich_covariance(jacobian, weighting.matrix, s)))


def test_collinear_moments_through_calibrate_report_effective_moments():
    # Three shares summing to 1 plus one rate; each share is tiny-banded, so S is nearly singular.
    a = np.array([0.6, 0.3, 0.1, 0.4])
    b = np.array([[0.2, 0.0], [-0.1, 0.1], [-0.1, -0.1], [0.0, 0.3]])
    base = np.random.default_rng(2).multivariate_normal(np.zeros(3), np.eye(3) * 0.01, size=R)
    noise = np.column_stack([base[:, 0], base[:, 1], -base[:, 0] - base[:, 1], base[:, 2]])

    def simulate(values):
        draws = a + b @ np.array([values["a"], values["b"]]) + noise
        return {f"m{i}": draws[:, i] for i in range(4)}

    targets = make_targets(a + b @ np.array([0.5, 0.5]), np.array([1e-7, 1e-7, 1e-7, 0.05]))
    result = fit(targets, simulate, floor=1e-6)
    assert result.moment_covariance.effective_moments == 3   # the shares' sum carries no information
    assert result.inference.j_test.dof == 1
    estimate = np.array([result.best.values["a"], result.best.values["b"]])
    assert np.all(np.abs(estimate - 0.5) < 3 * result.inference.standard_errors)


def test_a_parameter_the_moments_ignore_is_flagged_as_not_identified():
    b = np.column_stack([B, np.zeros(4)])
    parameters = [*PARAMETERS, FitParameter("ignored", 0.0, 1.0, start=0.5)]
    simulate_two = linear_simulator(A, B, SIGMA_SIM, seed=4)

    def simulate(values):
        return simulate_two(values)

    result = fit(synthetic_targets(np.random.default_rng(9), b=b, theta=np.append(THETA_TRUE, 0.3)),
                 simulate, parameters)
    found = result.inference.identification
    assert found.flags["ignored"].startswith("not identified")
    assert set(found.flags) == {"ignored"}
    assert any(set(direction["combination"]) == {"ignored"} for direction in found.weak_directions)
    assert np.isnan(result.inference.standard_errors[2])
    assert np.all(np.isfinite(result.inference.standard_errors[:2]))
    from analysis import calibration_report
    import json
    printed = calibration_report.text(result)
    assert "ignored: not identified" in printed and "not identified: the direction +1·ignored" in printed
    document = json.loads(calibration_report.to_json(result))
    assert document["parameters"][2]["standard_error"] is None   # NaN is null in JSON
    assert "| `ignored` |" in calibration_report.markdown(result)


def test_two_parameters_with_proportional_effects_are_flagged_as_collinear():
    jacobian = np.column_stack([B[:, 0], 2 * B[:, 0] + 1e-6, B[:, 1]])
    found = msm.identification(jacobian, msm.regularised_weighting(np.eye(4)), ["x", "y", "z"], [1, 1, 1])
    assert "nearly collinear with y" in found.flags["x"] and "nearly collinear with x" in found.flags["y"]
    assert "z" not in found.flags
    assert len(found.weak_directions) == 1
    assert set(found.weak_directions[0]["combination"]) == {"x", "y"}


def test_diagonal_weighting_is_the_old_band_half_width_objective():
    targets = synthetic_targets(np.random.default_rng(13))
    result = fit(targets, linear_simulator(A, B, SIGMA_SIM, seed=14), weighting="diagonal")
    best = result.best
    expected = sum(((best.moments[t.metric] - t.value) / t.half_width) ** 2 for t in targets.targets)
    assert best.loss == pytest.approx(expected)
    assert result.weighting_kind == "diagonal"


def test_the_pilot_point_can_be_moved_and_an_unknown_one_is_named():
    targets = synthetic_targets(np.random.default_rng(15))
    result = fit(targets, linear_simulator(A, B, SIGMA_SIM, seed=16), weights_at={"a": 1.0})
    assert result.pilot == {"a": 1.0, "b": 0.0}
    from analysis import AnalysisInputError
    with pytest.raises(AnalysisInputError, match="--weights-at names c, which is not fitted"):
        fit(targets, linear_simulator(A, B, SIGMA_SIM, seed=16), weights_at={"c": 1.0})


def test_one_replicate_per_run_falls_back_to_the_data_covariance_and_says_so():
    from analysis.calibration_report import weighting_note
    targets = synthetic_targets(np.random.default_rng(17))
    result = fit(targets, linear_simulator(A, B, SIGMA_SIM, seed=18, replicates=1))
    np.testing.assert_allclose(result.moment_covariance.covariance, np.diag((HALF_WIDTHS / 2) ** 2))
    assert "no Σ_sim (one replicate per run" in weighting_note(result)
