"""L2-regularised logistic regression over sparse features, trained with numpy.

Used only to train the check-worthiness scorer (`benchmarks/train_checkworthy.py`); the reader
scores with the saved weights and never imports this module. numpy comes with spaCy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Fit", "fit"]


@dataclass(frozen=True)
class Fit:
    """Learned weights by feature name, and the bias."""

    weights: dict[str, float]
    bias: float

    def logit(self, features: Mapping[str, float]) -> float:
        """The log-odds for one row."""
        return self.bias + sum(self.weights.get(f, 0.0) * v for f, v in features.items())


def fit(rows: Sequence[Mapping[str, float]], labels: Sequence[int], *, l2: float = 1.0,
        positive_weight: float = 1.0, min_count: int = 2, steps: int = 400,
        rate: float = 0.05) -> Fit:
    """Fit weights to `rows` (each feature name -> value) and 0/1 `labels`.

    Features seen in fewer than `min_count` rows are dropped. `positive_weight` scales the
    loss of positive rows (for rare positives); `l2` is the penalty on the summed loss. Full
    batch Adam for `steps` steps; deterministic.
    """
    if len(rows) != len(labels):
        raise ValueError("rows and labels differ in length")
    counts = Counter(f for row in rows for f in row)
    names = sorted(f for f, n in counts.items() if n >= min_count)
    index = {name: i for i, name in enumerate(names)}
    row_ids: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for r, row in enumerate(rows):
        for f, value in row.items():
            if f in index:
                row_ids.append(r)
                cols.append(index[f])
                values.append(value)
    row_arr = np.asarray(row_ids, dtype=np.int64)
    col_arr = np.asarray(cols, dtype=np.int64)
    val_arr = np.asarray(values, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    sample = np.where(y > 0, positive_weight, 1.0)
    total = float(sample.sum()) or 1.0
    w = np.zeros(len(names))
    b = 0.0
    m_w, v_w = np.zeros_like(w), np.zeros_like(w)
    m_b = v_b = 0.0
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        z = b + np.bincount(row_arr, weights=w[col_arr] * val_arr, minlength=len(rows))
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))
        err = (p - y) * sample / total
        grad_w: np.ndarray = np.bincount(col_arr, weights=err[row_arr] * val_arr,
                                         minlength=len(names)).astype(np.float64)
        grad_w = grad_w + l2 * w / total
        grad_b = float(err.sum())
        m_w = beta1 * m_w + (1 - beta1) * grad_w
        v_w = beta2 * v_w + (1 - beta2) * grad_w**2
        m_b = beta1 * m_b + (1 - beta1) * grad_b
        v_b = beta2 * v_b + (1 - beta2) * grad_b**2
        correction1, correction2 = 1 - beta1**step, 1 - beta2**step
        w -= rate * (m_w / correction1) / (np.sqrt(v_w / correction2) + eps)
        b -= rate * (m_b / correction1) / ((v_b / correction2) ** 0.5 + eps)
    return Fit({name: float(w[i]) for i, name in enumerate(names) if w[i] != 0.0}, float(b))

