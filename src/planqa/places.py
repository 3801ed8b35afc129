"""A place classifier learned from the question bank: which chunk a question is about, fitted at index build.

The bank's nearest question follows the subject of a question more than what it asks: 「AI戦略本部ってなにをする
ところ？」 sits as near to bank questions on who heads the headquarters as to those on what it does, because most of
their words are the subject's. A linear softmax classifier over the bank's question vectors, one class per chunk,
learns the directions that separate places sharing a subject (what it does / who heads it / who runs its office) from
the bank alone; its ranking is one more signal of the retrieval fusion (``RetrievalConfig.place_weight``).

Fitted with numpy (full-batch Adam from zero: deterministic, no torch needed).
"""

from __future__ import annotations

import numpy as np

__all__ = ["fit_places", "place_scores", "place_probabilities", "TEMPERATURE", "DECAY", "STEPS"]

TEMPERATURE = 0.05  # softmax temperature over the class scores (0.02 / 0.05 / 0.1 measured, README "Question bank")
DECAY = 1e-3  # L2 weight (1e-4 / 1e-3 measured)
STEPS = 300
_LR = 0.01


def fit_places(questions: np.ndarray, labels: np.ndarray, n_places: int) -> np.ndarray:
    """Weights (d+1 × n_places, the last row the bias) of a softmax classifier from question vectors (n×d, unit
    rows) to their places (``labels``, chunk positions; negative: no place, left out). No labelled question: zeros."""
    held = labels >= 0
    x, y = questions[held].astype(np.float32), labels[held]
    d = questions.shape[1]
    w = np.zeros((d + 1, n_places), dtype=np.float32)
    if not len(y):
        return w
    x = np.hstack([x, np.ones((len(x), 1), dtype=np.float32)])
    target = np.zeros((len(y), n_places), dtype=np.float32)
    target[np.arange(len(y)), y] = 1.0
    decay = np.full((d + 1, 1), DECAY, dtype=np.float32)
    decay[-1] = 0.0  # the bias is not pulled
    m, v = np.zeros_like(w), np.zeros_like(w)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for step in range(1, STEPS + 1):
        p = _softmax(x @ w / TEMPERATURE)
        grad = x.T @ ((p - target) / (len(y) * TEMPERATURE)) + decay * w
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad ** 2
        w -= _LR * (m / (1 - b1 ** step)) / (np.sqrt(v / (1 - b2 ** step)) + eps)
    return w


def place_scores(vector: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The classifier's score of every place for one unit query vector (higher: more likely its place).

    einsum, not ``@``: a BLAS call wakes OpenBLAS's thread pool, which then slows the next query embedding on
    2 cores (see ``SearchIndex.bank_similarities``)."""
    return np.einsum("i,ij->j", vector, weights[:-1]) + weights[-1]


def place_probabilities(vector: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The classifier's probability of every place for one unit query vector."""
    return _softmax(place_scores(vector, weights)[None, :] / TEMPERATURE)[0]


def _softmax(z: np.ndarray) -> np.ndarray:
    p = np.exp(z - z.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)
