"""The place classifier fitted on the question bank (real numpy fit, the committed index, the real embedder)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from planqa.places import fit_places, place_scores


def _unit(rows) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_fit_separates_places_that_share_a_subject():
    """Three places whose questions share one strong direction (the subject) and differ in a weak one (the ask):
    the nearest training question cannot tell them apart on noisy probes; the fitted classifier does."""
    rng = np.random.default_rng(0)
    subject = np.array([3.0, 0, 0, 0])
    asks = [np.array([0, 0.4, 0, 0]), np.array([0, 0, 0.4, 0]), np.array([0, 0, 0, 0.4])]
    labels = np.repeat(np.arange(3), 30)
    questions = _unit([subject + asks[y] + rng.normal(0, 0.15, 4) for y in labels])
    w = fit_places(questions, labels, 3)
    probes = _unit([subject + asks[y] + rng.normal(0, 0.15, 4) for y in range(3) for _ in range(20)])
    truth = np.repeat(np.arange(3), 20)
    predicted = np.array([place_scores(p, w).argmax() for p in probes])
    assert (predicted == truth).mean() >= 0.9
    assert np.array_equal(w, fit_places(questions, labels, 3))  # deterministic


def test_questions_without_a_place_are_left_out():
    questions = _unit([[1, 0], [0, 1]])
    assert not fit_places(questions, np.array([-1, -1]), 2).any()
    w = fit_places(questions, np.array([1, -1]), 2)
    assert w.shape == (3, 2) and place_scores(questions[0], w).argmax() == 1


def test_committed_classifier_tells_apart_articles_on_one_body(assistant):
    """Questions on the headquarters (AI法 第19〜28条) share its name; the classifier reads what is asked of it."""
    index, embedder = assistant.retriever.index, assistant.retriever.embedder
    assert index.places.shape == (embedder.dim + 1, len(index.chunks))
    for question, place in (("人工知能戦略本部の仕事の中身を教えて", "ai_act:20.1"),
                            ("本部の事務を受け持つ役所は？", "ai_act:26.1")):
        top = index.place_search(embedder.query(assistant.read(question).asks[0].normalized), 1)[0][0]
        assert place in index.chunks[top].ids, question


def test_place_signal_brings_the_asked_article_up_among_the_top_hits(assistant):
    """「一番上の立場」: the other signals rank the articles naming the members (第24条, 第23条) above the head's article
    (第22条); the classifier lifts it above one of them."""
    retriever = assistant.retriever
    query = assistant.read("AI本部で一番上の立場につくのはだれですか").asks[0].normalized

    def top3(config) -> list[str]:
        before, retriever.config = retriever.config, config
        try:
            return [h.chunk.ids[0] for h in retriever.rank(query, k=3)]
        finally:
            retriever.config = before

    heard, unheard = top3(retriever.config), top3(replace(retriever.config, place_weight=0.0))
    assert "ai_act:22.1" in heard and "ai_act:22.1" in unheard
    assert heard.index("ai_act:22.1") < unheard.index("ai_act:22.1"), (heard, unheard)


def test_document_shares_are_a_distribution_over_the_documents(assistant):
    index, embedder = assistant.retriever.index, assistant.retriever.embedder
    shares = index.document_shares(embedder.query("人工知能戦略本部の本部長は誰が務めますか"))
    assert set(shares) == {c.doc for c in index.chunks} and abs(sum(shares.values()) - 1.0) < 1e-5
    assert shares["ai_act"] > 0.5 > shares["plan"]  # the Act holds the headquarters; 第4章 names it too
