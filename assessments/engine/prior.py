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
