"""The assignments of the course and where their files live."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The course root: the folder holding ``nbgrader_config.py`` and ``source/``.
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Assignment:
    """One assignment of ``curriculum.md``.

    Attributes
    ----------
    id : str
        Folder name, e.g. ``"01_vectors"``.
    notebook : str
        Notebook name without ``.ipynb``, e.g. ``"vectors"``.
    module : str
        Name of its modules in :mod:`dlmath.reference`, :mod:`dlmath.hidden`
        and ``tests/fixtures/variants``.
    functions : tuple of str
        The graded functions, in notebook order.
    """

    id: str
    notebook: str
    module: str
    functions: tuple[str, ...]

    def source(self, root: Path = ROOT) -> Path:
        """Path of the source notebook under ``root``."""
        return root / "source" / self.id / f"{self.notebook}.ipynb"

    def release(self, root: Path = ROOT) -> Path:
        """Path of the release notebook under ``root``."""
        return root / "release" / self.id / f"{self.notebook}.ipynb"

    def solution(self, root: Path = ROOT) -> Path:
        """Path of the solution notebook under ``root``."""
        return root / "solutions" / self.id / f"{self.notebook}.ipynb"


#: Every assignment of the curriculum, in teaching order.
CURRICULUM = (
    Assignment("01_vectors", "vectors", "vectors",
               ("l1_norm", "l2_norm", "distance", "angle", "pairwise_distances")),
    Assignment("02_matrices", "pseudo_inverse", "matrices",
               ("pinv", "solve_least_squares", "fit_linear_regression", "predict")),
    Assignment("03_gradient_descent", "gradient_descent", "gradient_descent",
               ("symbolic_gradient", "numerical_gradient", "gradient_descent",
                "linear_regression_gd", "minibatch_sgd")),
    Assignment("04_neural_networks", "neural_networks", "neural_networks",
               ("softmax", "relu", "relu_grad", "sigmoid", "sigmoid_grad",
                "tanh", "tanh_grad", "cross_entropy_loss", "mlp_forward", "mlp_gradients")),
    Assignment("05_monte_carlo", "monte_carlo", "monte_carlo",
               ("monte_carlo_integral", "estimate_pi", "mc_expectation",
                "sample_covariance", "marginal", "conditional", "excess_kurtosis")),
    Assignment("06_mle_kl", "mle_kl", "mle_kl",
               ("gaussian_mle", "categorical_mle", "gaussian_log_likelihood",
                "laplace_mle", "sample_means", "entropy", "cross_entropy", "kl_divergence")),
    Assignment("07_bayes", "bayes", "bayes",
               ("posterior", "diagnostic_posterior", "sequential_posterior",
                "confusion_rates", "beta_binomial_update", "beta_mean_var", "map_estimate")),
    Assignment("08_convolution", "convolution", "convolution",
               ("conv2d", "conv2d_multichannel", "conv2d_backward",
                "max_pool2d", "max_pool2d_backward")),
    Assignment("09_rnn", "rnn", "rnn",
               ("rnn_forward", "rnn_backward", "clip_by_global_norm",
                "truncated_rnn_backward", "lstm_step_forward", "lstm_step_backward")),
    Assignment("10_training", "training", "training",
               ("softmax", "relu", "mlp_forward", "mlp_gradients", "clip_by_global_norm",
                "init_params", "accuracy", "train_mlp")),
)


def assignments(root: Path = ROOT) -> list[Assignment]:
    """Return the assignments whose source notebook exists under ``root``.

    Parameters
    ----------
    root : Path, optional
        Course root.

    Returns
    -------
    list of Assignment
        In curriculum order.
    """
    return [a for a in CURRICULUM if a.source(root).exists()]


def get(assignment_id: str) -> Assignment:
    """Return the assignment with folder name ``assignment_id``.

    Raises
    ------
    KeyError
        If the curriculum has no such assignment.
    """
    for a in CURRICULUM:
        if a.id == assignment_id:
            return a
    raise KeyError(f"no assignment {assignment_id!r} in the curriculum")
