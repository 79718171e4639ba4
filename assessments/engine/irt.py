"""Two-parameter logistic model on a fixed ability grid: probabilities, information and posterior summaries."""

import numpy as np

# Abilities live on one fixed grid; 61 points over ±4 logits keep EAP within 0.01 of the integral
# while an update stays a handful of vector operations.
GRID = np.linspace(-4.0, 4.0, 61)
GRID_SQUARED = GRID**2
LOG_STD_NORMAL = -0.5 * GRID_SQUARED
# The standard normal's precision as the grid sees it (cut at ±4): dividing by exactly this leaves a
# flat likelihood with precision 0 rather than a spurious 0.001.
_W = np.exp(LOG_STD_NORMAL)
PRIOR_PRECISION = 1.0 / float(_W @ GRID_SQUARED / _W.sum())


def probability(a, b, theta=GRID):
    """P(correct | θ) under 2PL; broadcasts over items and abilities."""
    return 1.0 / (1.0 + np.exp(-np.multiply(a, np.subtract(theta, b))))


def information(a, b, theta):
    """Fisher information of 2PL items at θ: a² P (1 − P)."""
    p = probability(a, b, theta)
    return np.square(a) * p * (1.0 - p)


def log_likelihood(a: float, b: float, correct: bool) -> np.ndarray:
    """The log-likelihood of one answer over the grid."""
    # log σ(±z) as −log1p(exp(∓z)): |z| ≤ a·(4 + |b|) stays far from exp's overflow for any sane item.
    z = (b - GRID) * a if correct else (GRID - b) * a
    return -np.log1p(np.exp(z))


def partial_log_likelihood(a: float, b: float, score: float) -> np.ndarray:
    """The log-likelihood of a partial-credit score in [0, 1] (a tutor's rubric share) over the grid.

    Fractional Bernoulli: s·log P + (1 − s)·log(1 − P). It equals :func:`log_likelihood` at 0 and 1 and
    lets a rubric total count as one observation of the item, as strong as a right or wrong answer.
    """
    if not 0.0 <= score <= 1.0:
        raise ValueError("a partial score lies in [0, 1]")
    return score * log_likelihood(a, b, True) + (1.0 - score) * log_likelihood(a, b, False)


def normalise(log_density: np.ndarray) -> np.ndarray:
    """Turn log densities on the grid (last axis) into probabilities summing to one."""
    w = np.exp(log_density - log_density.max(axis=-1, keepdims=True))
    return w / w.sum(axis=-1, keepdims=True)


def mean_and_variance(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EAP and posterior variance of grid distributions (last axis)."""
    mean = weights @ GRID
    variance = weights @ GRID_SQUARED - np.square(mean)
    return mean, np.maximum(variance, 1e-6)


def gaussian_message(log_lik: np.ndarray) -> tuple[float, float]:
    """Summarise one likelihood as a Gaussian (mean, precision) by dividing a N(0, 1) posterior by its prior.

    A likelihood of a few answers is often monotone (all right or all wrong) and has no finite mode,
    so it is summarised through the posterior it makes with a standard normal prior, which always
    exists; the prior's precision (1) is then taken back out. No answers give precision 0.
    """
    # Callers keep log_lik's maximum at 0, so the exponent lies in [−8, 0]: no shift is needed.
    w = np.exp(log_lik + LOG_STD_NORMAL)
    total = w.sum()
    post_mean = (w @ GRID) / total
    post_var = max((w @ GRID_SQUARED) / total - post_mean * post_mean, 1e-6)
    precision = max(1.0 / post_var - PRIOR_PRECISION, 0.0)
    if precision < 1e-9:
        return 0.0, 0.0
    return post_mean / post_var / precision, precision
