"""A query adapter learned from the question bank: a linear map on query vectors, fitted at index build.

The bank links each question to the sentence(s) of its place that answer it. The adapter is a 384×384 matrix
``W`` (near the identity) such that ``normalize(q @ W)`` ranks a bank question's answering sentences above
every other sentence of the corpus (softmax cross-entropy over all sentences, temperature ``TAU``, an L2 pull
towards the identity ``PULL``): how people ask, learned from the bank instead of a word list. With
``AnswerConfig.query_adapter`` the composer scores sentences with the adapted query; retrieval and scope keep the
raw embedding (their thresholds are calibrated on it).

Fitted with numpy (full-batch Adam from the identity: deterministic, no torch needed).
"""

from __future__ import annotations

import numpy as np

__all__ = ["fit_adapter", "adapt", "TAU", "PULL", "EPOCHS"]

TAU = 0.02  # softmax temperature over sentence cosines
PULL = 0.01  # L2 weight of (W - I): 0.1 / 0.01 / 0.001 measured (README, "Query adapter")
EPOCHS = 200
_LR = 1e-3


def fit_adapter(queries: np.ndarray, targets: list[list[int]], sentences: np.ndarray) -> np.ndarray:
    """The map ``W`` for query vectors ``queries`` (n×d, unit rows) whose answers are ``targets[i]`` (rows of
    ``sentences``, m×d unit rows). Without any linked question it is the identity."""
    d = sentences.shape[1]
    eye = np.eye(d, dtype=np.float32)
    pairs = [(i, t) for i, t in enumerate(targets) if t]
    if not pairs:
        return eye
    q = queries[[i for i, _ in pairs]].astype(np.float32)
    s = sentences.astype(np.float32)
    y = np.zeros((len(pairs), len(s)), dtype=np.float32)
    for k, (_, rows) in enumerate(pairs):
        y[k, rows] = 1.0 / len(rows)
    w, m, v = eye.copy(), np.zeros_like(eye), np.zeros_like(eye)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for step in range(1, EPOCHS + 1):
        u = q @ w
        norm = np.linalg.norm(u, axis=1, keepdims=True)
        unit = u / norm
        z = unit @ s.T / TAU
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        d_unit = ((p - y) / len(pairs)) @ s / TAU
        d_u = (d_unit - unit * (unit * d_unit).sum(axis=1, keepdims=True)) / norm
        grad = q.T @ d_u + 2 * PULL * (w - eye)
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad ** 2
        w -= _LR * (m / (1 - b1 ** step)) / (np.sqrt(v / (1 - b2 ** step)) + eps)
    return w.astype(np.float32)


def adapt(vector: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """The adapted unit query vector (``w`` None: the vector itself).

    einsum, not ``@``: a BLAS call wakes OpenBLAS's thread pool, which then slows the next query embedding on
    2 cores (see ``SearchIndex.bank_similarities``)."""
    if w is None:
        return vector
    u = np.einsum("i,ij->j", vector, w)
    return (u / np.linalg.norm(u)).astype(np.float32)
