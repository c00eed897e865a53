"""A fitted linear model the product only evaluates: named weights, swappable for a while.

The extraction models (headlines of text scrapes and saved pages, publishers of
text scrapes) ship weights fitted by ``benchmarks/fit_extraction.py``. The
benchmarks score held-out folds with weights fitted on the other folds, so the
weights in use can be replaced inside a ``with`` block.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager


class LinearModel:
    """Weights by feature name over a fixed feature order; ``bias`` is the intercept."""

    def __init__(self, features: Sequence[str], weights: dict[str, float]) -> None:
        self.features = tuple(features)
        self.weights = weights

    @contextmanager
    def using(self, weights: dict[str, float]) -> Iterator[None]:
        """Score with other weights for a while (cross-validation folds in the benchmarks)."""
        saved, self.weights = self.weights, weights
        try:
            yield
        finally:
            self.weights = saved

    def score(self, values: Sequence[float], weights: dict[str, float] | None = None) -> float:
        """The model's log-odds for one candidate's feature values."""
        w = self.weights if weights is None else weights
        return w.get("bias", 0.0) + sum(w.get(name, 0.0) * v for name, v in zip(self.features, values))
