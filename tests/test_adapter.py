"""The query adapter fitted on the question bank (real numpy fit, the committed index, the real embedder)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from planqa.adapter import adapt, fit_adapter
from planqa.answer import Assistant


def _unit(rows) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_fit_learns_a_link_the_raw_vectors_miss():
    """Questions that look like sentence 0 but are answered by sentence 1: after the fit they point at 1."""
    sentences = _unit(np.eye(4))
    rng = np.random.default_rng(0)
    queries = _unit(np.array([1.0, 0.6, 0.0, 0.0]) + rng.normal(0, 0.05, (40, 4)))
    w = fit_adapter(queries, [[1]] * 40, sentences)
    probe = _unit([[1.0, 0.55, 0.02, 0.0]])[0]
    assert (sentences @ probe).argmax() == 0
    assert (sentences @ adapt(probe, w)).argmax() == 1
    assert np.isclose(np.linalg.norm(adapt(probe, w)), 1.0, atol=1e-5)
    assert np.array_equal(w, fit_adapter(queries, [[1]] * 40, sentences))  # deterministic


def test_without_linked_questions_the_adapter_is_the_identity():
    sentences = _unit(np.eye(3))
    w = fit_adapter(_unit([[1, 0, 0]]), [[]], sentences)
    assert np.array_equal(w, np.eye(3, dtype=np.float32))
    v = _unit([[0.2, 0.3, 0.9]])[0]
    assert np.allclose(adapt(v, w), v) and adapt(v, None) is v


def test_committed_adapter_points_an_everyday_question_at_its_answer(assistant):
    """「仕事がなくなったら」 shares words with the plan's 1.2 (賃金停滞); the bank teaches that such questions are
    answered by the employment measure 3.4.2.4. With ``query_adapter`` on, the composer leads with that measure and
    drops the policy that raw cosines add."""
    index = assistant.retriever.index
    assert index.adapter is not None and index.adapter.shape == (384, 384)
    rows = [u.id for c in index.chunks for u, _ in c.sentences()]
    vector = assistant.retriever.embedder.query(assistant.reader.normalize("AIで仕事がなくなったら国は何か手を打つの？"))
    assert rows[int((index.sentence_vectors @ vector).argmax())] == "plan:1.2"
    assert rows[int((index.sentence_vectors @ index.sentence_query(vector)).argmax())] == "plan:3.4.2.4"
    question = "AIで仕事がなくなったら国は何か手を打つの？"
    assert not assistant.config.query_adapter  # off by default (README, "Query adapter")
    wide = replace(assistant.config, sentence_window=0.04)  # the window the adapter is measured with
    raw = Assistant(assistant.corpus, assistant.retriever, wide)
    adapted = Assistant(assistant.corpus, assistant.retriever, replace(wide, query_adapter=True))
    assert [c.id for c in raw.ask(question).citations] == ["plan:3.4.2.4", "plan:3.4", "plan:2.2.4"]
    assert [c.id for c in adapted.ask(question).citations] == ["plan:3.4.2.4", "plan:3.4"]  # 2.2.4 falls out
