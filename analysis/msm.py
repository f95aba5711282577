"""The method-of-simulated-moments estimator's statistics: weighting, standard errors, J-test, identification.

Pure functions of matrices, independent of innosim, so that tests can check
them on a linear-Gaussian simulator whose answers are known. Notation: M
moments, K parameters, R replicates per simulation;

    e = m(θ) − t                 model moments minus targets (M)
    S = Σ_data + Σ_sim / R       covariance of e (M×M): the targets' uncertainty
                                 plus the simulation noise of a replicate mean
    W = S⁺                       efficient weighting (regularised pseudo-inverse)
    G = ∂m/∂θ                    Jacobian at the estimate (M×K)

Σ_data treats each target's band as ±2 standard deviations (σ = half-width/2)
and the targets as independent. Σ_sim is the covariance of the per-replicate
moments at a pilot point.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

# Eigenvalues of S below this fraction of the largest are dropped: those
# directions are (near-)exact linear relations among the moments, e.g. the three
# R&D shares that sum to 1, and inverting them would weigh pure noise heavily.
EIGENVALUE_FLOOR = 1e-9
# A singular value of S^{-1/2} G D below this fraction of the largest marks a
# parameter combination that the moments do not determine.
IDENTIFICATION_TOLERANCE = 1e-3
# A Jacobian column this close to the span of the others (R² of the fit) is "nearly collinear".
COLLINEAR_R2 = 0.99


@dataclass(frozen=True)
class Weighting:
    """S and its regularised inverse: W = Σ 1/λ v vᵀ over the eigenvalues λ ≥ floor · λ_max."""

    covariance: np.ndarray          # S (M×M)
    matrix: np.ndarray              # W = S⁺
    inverse_root: np.ndarray        # S^{-1/2} on the kept eigenvectors (kept×M)
    effective_moments: int          # eigenvalues kept
    condition: float                # λ_max / λ_min over the kept eigenvalues


def moment_covariance(replicates: np.ndarray) -> np.ndarray:
    """Σ_sim: the covariance of per-replicate moments [R, M]; zeros when R < 2 (no estimate)."""
    replicates = np.asarray(replicates, dtype=np.float64)
    if replicates.shape[0] < 2:
        return np.zeros((replicates.shape[1], replicates.shape[1]))
    return np.atleast_2d(np.cov(replicates, rowvar=False, ddof=1))


def data_covariance(half_widths) -> np.ndarray:
    """Σ_data: diagonal, each band read as ±2 standard deviations (σ = half-width / 2)."""
    return np.diag((np.asarray(half_widths, dtype=np.float64) / 2.0) ** 2)


def regularised_weighting(covariance: np.ndarray, floor: float = EIGENVALUE_FLOOR) -> Weighting:
    """W = S⁺ by eigen-decomposition, dropping eigenvalues below `floor` times the largest."""
    covariance = (np.asarray(covariance, dtype=np.float64) + np.asarray(covariance).T) / 2.0
    eigenvalues, vectors = np.linalg.eigh(covariance)
    largest = float(eigenvalues.max()) if eigenvalues.size else 0.0
    if largest <= 0:
        raise ValueError("the moment covariance S is zero: give the targets bands or the runs replicates")
    kept = eigenvalues >= floor * largest
    values, basis = eigenvalues[kept], vectors[:, kept]
    matrix = basis @ np.diag(1.0 / values) @ basis.T
    inverse_root = np.diag(1.0 / np.sqrt(values)) @ basis.T
    return Weighting(covariance, matrix, inverse_root, int(kept.sum()), float(values.max() / values.min()))


def diagonal_weighting(half_widths) -> Weighting:
    """The old objective, Σ (error / half-width)²: W = diag(1 / half-width²); S is then Σ_data only."""
    half_widths = np.asarray(half_widths, dtype=np.float64)
    covariance = data_covariance(half_widths)
    matrix = np.diag(1.0 / half_widths ** 2)
    inverse_root = np.diag(1.0 / np.sqrt(np.diag(covariance)))
    return Weighting(covariance, matrix, inverse_root, len(half_widths),
                     float(half_widths.max() ** 2 / half_widths.min() ** 2))


def quadratic_form(errors: np.ndarray, matrix: np.ndarray) -> float:
    """eᵀ W e; infinite when a moment is missing or undefined, so an optimiser steers away."""
    errors = np.asarray(errors, dtype=np.float64)
    if not np.all(np.isfinite(errors)):
        return float("inf")
    return float(errors @ matrix @ errors)


def sandwich_covariance(jacobian: np.ndarray, weighting: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    """(GᵀWG)⁻¹ GᵀW S W G (GᵀWG)⁻¹: the estimate's covariance for any W; (GᵀWG)⁻¹ when W = S⁻¹.

    A pseudo-inverse of GᵀWG, so that an unidentified parameter gives a
    useless (zero-information) row rather than a crash; `identification` flags it.
    """
    bread = np.linalg.pinv(jacobian.T @ weighting @ jacobian)
    meat = jacobian.T @ weighting @ covariance @ weighting @ jacobian
    return bread @ meat @ bread


@dataclass(frozen=True)
class JTest:
    statistic: float
    dof: int
    p_value: float | None   # None when dof ≤ 0: exactly (or under-) identified, no test

    @property
    def note(self) -> str:
        if self.dof <= 0:
            return (f"no J-test: {self.dof} degrees of freedom (as many or more parameters than effective "
                    "moments: the model is exactly identified, any fit is 'perfect')")
        verdict = "rejected at 5%" if self.p_value < 0.05 else "not rejected at 5%"
        return f"J = {self.statistic:.4g}, dof {self.dof}, p = {self.p_value:.3g}: the model is {verdict}"


def j_test(errors: np.ndarray, weighting: Weighting, parameters: int) -> JTest:
    """Hansen's J = eᵀ S⁺ e, χ² with (effective moments − parameters) degrees of freedom under a correct model."""
    statistic = quadratic_form(errors, weighting.matrix)
    dof = weighting.effective_moments - parameters
    p_value = float(stats.chi2.sf(statistic, dof)) if dof > 0 else None
    return JTest(statistic, dof, p_value)


@dataclass(frozen=True)
class Identification:
    singular_values: np.ndarray           # of S^{-1/2} G D, largest first
    weak_directions: list[dict]           # {singular_value, combination: {name: weight}} below tolerance
    flags: dict[str, str]                 # parameter -> why it is not (or weakly) identified


def identification(jacobian: np.ndarray, weighting: Weighting, names: list[str], ranges,
                   tolerance: float = IDENTIFICATION_TOLERANCE) -> Identification:
    """Which parameters the moments pin down: the SVD of S^{-1/2} G D, D = diag(parameter ranges).

    Scaling by S^{-1/2} measures the moments in their own standard errors and
    by D the parameters over their whole bounds, so a singular value compares
    "moving θ across its range" with "one standard error of the moments".
    """
    scaled = weighting.inverse_root @ np.asarray(jacobian, dtype=np.float64) @ np.diag(np.asarray(ranges, float))
    _, singular_values, right = np.linalg.svd(scaled, full_matrices=True)
    largest = singular_values[0] if singular_values.size and singular_values[0] > 0 else 1.0
    padded = np.concatenate([singular_values, np.zeros(len(names) - len(singular_values))])
    weak = [{"singular_value": float(value),
             "combination": {name: round(float(weight), 3) for name, weight in zip(names, right[i])
                             if abs(weight) >= 0.1}}
            for i, value in enumerate(padded) if value < tolerance * largest]
    return Identification(singular_values, weak, _column_flags(scaled, names, tolerance))


def _column_flags(scaled: np.ndarray, names: list[str], tolerance: float) -> dict[str, str]:
    norms = np.linalg.norm(scaled, axis=0)
    largest = norms.max() if norms.size and norms.max() > 0 else 1.0
    flags = {}
    for k, name in enumerate(names):
        if norms[k] < tolerance * largest:
            flags[name] = "not identified: no target moment responds to it (Jacobian column ~0)"
            continue
        others = [j for j in range(len(names)) if j != k and norms[j] >= tolerance * largest]
        if not others:
            continue
        basis = scaled[:, others]
        fit, *_ = np.linalg.lstsq(basis, scaled[:, k], rcond=None)
        r2 = 1.0 - np.sum((scaled[:, k] - basis @ fit) ** 2) / np.sum(scaled[:, k] ** 2)
        if r2 >= COLLINEAR_R2:
            partners = [names[j] for j, weight in zip(others, fit) if abs(weight) * norms[j] >= 0.1 * norms[k]]
            flags[name] = (f"weakly identified: its effect on the moments is nearly collinear with "
                           f"{', '.join(partners)} (R² {r2:.4f})")
    return flags
