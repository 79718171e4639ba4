"""2PL calibration by marginal maximum likelihood (Bock–Aitkin EM), with anchor items to keep the scale."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NODES = np.linspace(-4.0, 4.0, 41)
A_BOUNDS = (0.2, 4.0)
B_BOUNDS = (-5.0, 5.0)


@dataclass(frozen=True)
class Calibration:
    """Estimated parameters of every item (anchors keep theirs) and of the cohort's ability distribution."""

    a: np.ndarray
    b: np.ndarray
    n_responses: np.ndarray
    latent_mean: float
    latent_sd: float
    iterations: int
    converged: bool
    log_likelihood: float


def calibrate_2pl(
    responses: np.ndarray,
    anchors: dict[int, tuple[float, float]] | None = None,
    *,
    max_iter: int = 500,
    tol: float = 1e-4,
    start: tuple[np.ndarray, np.ndarray] | None = None,
) -> Calibration:
    """Estimate (a, b) for each column of ``responses`` (persons × items; 1, 0 or NaN for not asked).

    Without anchors the cohort is the reference: its abilities are fixed to N(0, 1), which sets the
    scale. With anchors — items whose (a, b) are already on the scale — those parameters stay fixed
    and the cohort's mean and SD are estimated instead, so new items land on the old scale
    (fixed-parameter calibration). A person with no answers carries no information and is ignored.
    """
    u = np.asarray(responses, dtype=float)
    if u.ndim != 2:
        raise ValueError("responses must be a persons × items matrix")
    observed = ~np.isnan(u)
    if np.any(observed & (u != 0) & (u != 1)):
        raise ValueError("responses must be 0, 1 or missing")
    keep = observed.any(axis=1)
    u, observed = np.where(observed, u, 0.0)[keep], observed[keep]
    n_items = u.shape[1]
    anchors = anchors or {}
    if any(not 0 <= i < n_items for i in anchors):
        raise ValueError("anchor index out of range")
    free = np.array([i not in anchors for i in range(n_items)])
    n_responses = observed.sum(axis=0)

    a = np.ones(n_items) if start is None else np.array(start[0], dtype=float)
    b = _starting_difficulties(u, observed) if start is None else np.array(start[1], dtype=float)
    for i, (ai, bi) in anchors.items():
        a[i], b[i] = ai, bi
    mean, sd = 0.0, 1.0
    iterations, converged, log_lik = 0, False, -np.inf
    while iterations < max_iter and not converged:
        iterations += 1
        # E-step: each person's posterior over the quadrature nodes, then expected counts per item.
        logit = np.outer(NODES, a) - a * b  # nodes × items
        log_p, log_q = -np.logaddexp(0.0, -logit), -np.logaddexp(0.0, logit)
        log_prior = -0.5 * ((NODES - mean) / sd) ** 2
        log_joint = u @ log_p.T + (observed - u) @ log_q.T + log_prior  # persons × nodes
        top = log_joint.max(axis=1, keepdims=True)
        joint = np.exp(log_joint - top)
        marginal = joint.sum(axis=1, keepdims=True)
        log_lik = float(np.sum(np.log(marginal) + top) - len(u) * np.log(np.exp(log_prior).sum()))
        posterior = joint / marginal
        right = posterior.T @ u  # nodes × items: expected correct answers at each node
        asked = posterior.T @ observed
        # M-step: a Newton-Raphson fit per free item on its expected counts.
        before = np.concatenate([a, b])
        a[free], b[free] = _fit_items(right[:, free], asked[:, free], a[free], b[free])
        if anchors:
            weight = posterior.sum(axis=0)
            mean = float(weight @ NODES / weight.sum())
            sd = float(np.sqrt(max(weight @ (NODES - mean) ** 2 / weight.sum(), 0.05)))
        converged = bool(np.max(np.abs(np.concatenate([a, b]) - before)) < tol)
    return Calibration(a, b, n_responses, mean, sd, iterations, converged, log_lik)


def _starting_difficulties(u: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Logit of each item's wrong-answer share: the usual cheap starting point for b."""
    share = (u.sum(axis=0) + 0.5) / (observed.sum(axis=0) + 1.0)
    return np.clip(np.log((1.0 - share) / share), *B_BOUNDS)


def _fit_items(right, asked, a, b, steps: int = 5):
    """Maximise Σ_q r log P + (n − r) log Q per item in slope-intercept form (logit = a·θ + c)."""
    c = -a * b
    x = NODES[:, None]
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x * a + c)))
        residual = right - asked * p
        weight = asked * p * (1.0 - p)
        g_a, g_c = (residual * x).sum(axis=0), residual.sum(axis=0)
        h_aa, h_ac, h_cc = (weight * x * x).sum(axis=0), (weight * x).sum(axis=0), weight.sum(axis=0)
        det = h_aa * h_cc - h_ac**2
        ok = det > 1e-9
        step_a = np.where(ok, (h_cc * g_a - h_ac * g_c) / np.where(ok, det, 1.0), 0.0)
        step_c = np.where(ok, (h_aa * g_c - h_ac * g_a) / np.where(ok, det, 1.0), 0.0)
        # Damped steps: an item everyone answers right has no finite optimum and must not run away.
        a = np.clip(a + np.clip(step_a, -0.5, 0.5), *A_BOUNDS)
        c = c + np.clip(step_c, -1.0, 1.0)
    return a, np.clip(-c / a, *B_BOUNDS)
