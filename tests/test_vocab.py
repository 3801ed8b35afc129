"""The vocabulary learned from the question bank: the learner, its data file and its use by the query stage."""

from __future__ import annotations

import pytest

from planqa.bank import BankEntry, load_bank
from planqa.errors import CorpusError
from planqa.normalize import ADDED, normalize_query, without_added_terms
from planqa.scope import GENERIC
from planqa.text import tokenizer
from planqa.vocab import (
    Vocabulary,
    VocabularySettings,
    compound_terms,
    learn_vocabulary,
    read_vocabulary,
    write_vocabulary,
)


@pytest.fixture(scope="module")
def similarity(assistant):
    vectors = {}

    def sim(a: str, b: str) -> float:
        for w in (a, b):
            if w not in vectors:
                vectors[w] = assistant.retriever.embedder.query(w)
        return float(vectors[a] @ vectors[b])

    return sim


@pytest.fixture(scope="module")
def learned(corpus, similarity):
    return learn_vocabulary(corpus, load_bank(corpus), tokenizer("lemma"), similarity, GENERIC.__contains__)


def test_compound_terms_keep_the_documents_terms_whole():
    terms = compound_terms("地方公共団体は、活用事業者と連携する。")
    assert "地方公共団体" in terms and "活用事業者" in terms and "連携" in terms
    assert "地方" not in terms


def test_learner_finds_everyday_words_the_documents_never_use(corpus, learned):
    vocabulary, evidence = learned
    assert "教育" in vocabulary.terms["学校"]  # 学校 is nowhere in the documents; its questions are answered by 教育
    assert "育成" in vocabulary.terms["育てる"]
    words = {w for sec in corpus for w in tokenizer("lemma")(f"{sec.title} {sec.text}")}
    assert not set(vocabulary.terms) & words  # only words the documents never use are mapped
    assert all(e["places"] >= 2 and e["cosine"] >= 0.88 and e["questions"] >= 3 for e in evidence)


def test_one_place_wording_is_not_a_synonym(corpus, similarity):
    """Questions about one place alone (however many) teach no word: a synonym must hold across places."""
    place = "ai_act:6.1"
    entries = [BankEntry(place, f"ジチタイ{n}の役目", "a", ("地方公共団体の責務",)) for n in range(5)]
    vocabulary, _ = learn_vocabulary(corpus, entries, tokenizer("lemma"), similarity, GENERIC.__contains__)
    assert "ジチタイ" not in vocabulary.terms
    loose = VocabularySettings(min_places=1, min_cosine=-1.0)
    vocabulary, _ = learn_vocabulary(corpus, entries, tokenizer("lemma"), similarity, GENERIC.__contains__, loose)
    assert "地方公共団体" in vocabulary.terms["ジチタイ"]  # the same entries teach it once one place is enough


def test_vocabulary_file_round_trips_and_matches_the_bank(corpus, learned, tmp_path):
    vocabulary, evidence = learned
    path = tmp_path / "vocabulary.tsv"
    write_vocabulary(path, vocabulary, evidence)
    assert read_vocabulary(path) == vocabulary
    rows = [r.split("\t") for r in corpus.vocabulary.read_text(encoding="utf-8").splitlines() if not r.startswith("#")]
    figures = {(r[0], r[1]): (float(r[3]), float(r[5])) for r in rows}  # as committed: (share, cosine)
    figures.update({(e["word"], e["term"]): (e["share"], e["cosine"]) for e in evidence})  # as learned now
    s = VocabularySettings()
    changed = {(r[0], r[1]) for r in rows} ^ {(e["word"], e["term"]) for e in evidence}
    # float noise of another CPU may tip a pair that sits at a threshold; anything else means the file is stale
    assert all(abs(figures[p][0] - s.min_share) < 0.005 or abs(figures[p][1] - s.min_cosine) < 0.005
               for p in changed), f"corpus/bank/vocabulary.tsv is stale ({sorted(changed)}): run planqa vocab"


def test_a_malformed_vocabulary_file_names_its_line(tmp_path):
    path = tmp_path / "vocabulary.tsv"
    path.write_text("# header\n学校\t教育\t20\t0.5\t4\t0.93\n学校 教育\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="vocabulary.tsv:3"):
        read_vocabulary(path)
    with pytest.raises(CorpusError, match="planqa vocab"):
        read_vocabulary(tmp_path / "missing.tsv")


def test_query_stage_appends_learned_terms_after_the_mark():
    vocabulary = Vocabulary({"育てる": ("育成",)})
    query = normalize_query("AIの人を育てるには？", vocabulary)
    assert query.endswith(f"{ADDED}育成")
    assert without_added_terms(query) == "AIの人を育てるには?"
    assert normalize_query(query, vocabulary).count("育成") == 1  # normalising again adds nothing
    assert "育成" not in normalize_query("AIの人を育てるには？")  # no vocabulary, no learned term
    assert ADDED not in normalize_query("A|B の意味は？")  # the asker's own "|" never looks like the mark
