"""The correlated prior across competencies: what the other competencies' answers say about this one."""

import numpy as np


def cavity_priors(correlation: np.ndarray, means: np.ndarray, precisions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The normal prior of each competency given every *other* competency's evidence, computed directly.

    The population prior is MVN(0, R); each competency's own answers are summarised as a Gaussian
    measurement (mean, precision; precision 0 = not yet tested). Taking each competency's own
    measurement back out of its marginal in the joint posterior ("cavity") gives all K conditional
    priors from one K×K inverse. Returns (prior means, prior variances). :class:`CorrelatedPrior`
    keeps the same result up to date in O(K²) per answer; this function is its reference.
    """
    joint_precision = np.linalg.inv(correlation)
    joint_precision[np.diag_indices_from(joint_precision)] += precisions
    return _cavities(np.linalg.inv(joint_precision), precisions * means, precisions)


def _cavities(covariance, weighted_means, precisions):
    posterior_mean = covariance @ weighted_means
    marginal_var = covariance.diagonal()
    cavity_precision = 1.0 / marginal_var - precisions
    return (posterior_mean / marginal_var - weighted_means) / cavity_precision, 1.0 / cavity_precision


class CorrelatedPrior:
    """The joint Gaussian posterior of all competencies, updated one measurement at a time.

    One competency's measurement changing is a rank-one change of the joint precision, so the
    covariance follows by Sherman–Morrison instead of a fresh inverse per answer.
    """

    def __init__(self, correlation: np.ndarray):
        self.covariance = np.array(correlation, dtype=float)
        k = len(self.covariance)
        self.precisions = np.zeros(k)
        self.weighted_means = np.zeros(k)

    def set_measurement(self, c: int, mean: float, precision: float) -> None:
        delta = precision - self.precisions[c]
        if delta:
            column = self.covariance[:, c].copy()
            self.covariance -= np.outer(column, column) * (delta / (1.0 + delta * column[c]))
        self.precisions[c] = precision
        self.weighted_means[c] = precision * mean

    def cavities(self) -> tuple[np.ndarray, np.ndarray]:
        """(prior means, prior variances) of every competency given the others' measurements."""
        return _cavities(self.covariance, self.weighted_means, self.precisions)


def check_correlation(correlation: np.ndarray) -> np.ndarray:
    """The matrix as floats if it is a correlation matrix the prior can use; ValueError saying why if not."""
    r = np.array(correlation, dtype=float)
    if r.ndim != 2 or r.shape[0] != r.shape[1]:
        raise ValueError("the correlation matrix must be square")
    if not np.all(np.isfinite(r)) or not np.allclose(r, r.T) or not np.allclose(np.diag(r), 1.0):
        raise ValueError("the correlation matrix must be finite, symmetric and have ones on its diagonal")
    try:
        np.linalg.cholesky(r)
    except np.linalg.LinAlgError:
        raise ValueError("the correlation matrix is not positive definite (see nearest_correlation)") from None
    return r


#: The smallest eigenvalue a repaired matrix keeps: far enough from 0 that the prior's updates stay stable.
MIN_EIGENVALUE = 0.05


def nearest_correlation(matrix: np.ndarray, floor: float = MIN_EIGENVALUE) -> np.ndarray:
    """A positive definite correlation matrix close to ``matrix``: eigenvalues raised to ``floor``, unit diagonal.

    Pairwise estimates from different subsets of people need not form a valid matrix together; this
    is the usual eigenvalue-clipping repair (one pass is enough for the prior's purposes).
    """
    r = (np.asarray(matrix, dtype=float) + np.asarray(matrix, dtype=float).T) / 2.0
    values, vectors = np.linalg.eigh(r)
    if values.min() >= floor and np.allclose(np.diag(r), 1.0):
        return r
    fixed = (vectors * np.maximum(values, floor)) @ vectors.T
    d = np.sqrt(np.diag(fixed))
    fixed = fixed / np.outer(d, d)
    np.fill_diagonal(fixed, 1.0)
    return fixed


#: Persons at which a pair's own estimate and the common ρ weigh the same in the shrunk matrix. A
#: correlation from n persons has a standard error of about (1 − ρ²)/√n: 0.075 at n = 100, the size of
#: the differences between competencies' correlations that matter to the prior.
SHRINK_PERSONS = 100.0


def shrink_correlation(pairwise: np.ndarray, persons: np.ndarray, common: float,
                       strength: float = SHRINK_PERSONS) -> np.ndarray:
    """The full matrix from pairwise estimates, each pulled towards ``common`` by its sample size, made valid.

    Pair (j, k) keeps the weight n/(n + strength) on its own estimate; a pair nobody answered both of
    (NaN or n = 0) is ``common``. The result is repaired by :func:`nearest_correlation`.
    """
    r = np.asarray(pairwise, dtype=float)
    n = np.nan_to_num(np.asarray(persons, dtype=float))
    weight = np.where(np.isfinite(r), n / (n + strength), 0.0)
    shrunk = weight * np.nan_to_num(r) + (1.0 - weight) * common
    np.fill_diagonal(shrunk, 1.0)
    return nearest_correlation(shrunk)
