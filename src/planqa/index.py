"""The persisted search index: FAISS (dense, via llama-index's FaissVectorStore) + bm25s (sparse).

Layout of ``indexes/<name>/``::

    manifest.json   settings, corpus digest, versions and a sha256 of every file below
    chunks.json     the chunks (citation IDs, labels, header, text) in index order
    dense.faiss     exact inner-product FAISS index of the chunk embeddings
    sentences.npy   one vector per sentence of every chunk (the extractive composer's)
    bank.json       the question bank (bank.py): bank questions and the near-miss negatives
    bank.npy        one query vector per bank question (question→question similarity)
    in_scope.npy    one query vector per in-scope evidence question (bank.py; scope's closeness only)
    places.npy      the place classifier fitted on the bank (places.py): question → chunk, a retrieval signal
    kana.json       reading → written form of the documents' words (kana.py): the query stage's kana rewrite
    bm25/           bm25s index over fugashi tokens
    bank_bm25/      bm25s index over the bank questions' tokens (question→question word match)

Embeddings are looked up in ``indexes/cache/`` (keyed by text hash) before anything is embedded, so
a rebuild of an unchanged corpus embeds nothing.

Every file is written to a temporary name and renamed into place; the manifest goes last, so
a crashed build leaves an index that fails its checksum check instead of a silently wrong one.
A lock file keeps a second concurrent build out.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from . import __version__
from .bank import BankEntry, bank_digest, load_bank, load_in_scope
from .chunk import CHUNKER_VERSION, Chunk, Unit, make_chunks
from .corpus import Corpus
from .embed import Embedder, EmbeddingCache
from .errors import IndexCorruptError, IndexLockedError, IndexMismatchError, IndexNotFoundError
from .kana import KanaReader
from .places import DECAY, STEPS, TEMPERATURE, fit_places, place_probabilities, place_scores
from .text import TOKEN_FORM, TOKENIZER_VERSION, tokenizer

__all__ = ["SearchIndex", "build_index", "load_index", "index_packs", "DEFAULT_INDEX_DIR", "TOKEN_FORM"]

DEFAULT_INDEX_DIR = Path(__file__).resolve().parents[2] / "indexes" / "default"
DEFAULT_CACHE_DIR = DEFAULT_INDEX_DIR.parent / "cache"
_FILES = ("chunks.json", "dense.faiss", "sentences.npy", "bank.json", "bank.npy", "in_scope.npy", "places.npy",
          "kana.json")  # + bank_bm25/ with a bank


@dataclass
class SearchIndex:
    """A loaded index: chunks, the FAISS vector store and the BM25 model."""

    chunks: list[Chunk]
    vector_store: object  # llama_index FaissVectorStore
    bm25: object  # bm25s.BM25
    manifest: dict
    sentence_vectors: np.ndarray  # one row per sentence, in chunk.sentences() order
    bank: list[BankEntry]
    bank_vectors: np.ndarray  # one row per bank entry
    bank_bm25: object | None  # bm25s.BM25 over the bank questions, one document per entry (None: no bank)
    places: np.ndarray  # the place classifier fitted on the bank (places.py), (dim + 1) × chunks
    kana_words: dict[str, str]  # katakana reading → the documents' spelling (kana.py)
    in_scope_vectors: np.ndarray | None = None  # the in-scope evidence (bank.py), one row per question

    def __post_init__(self) -> None:
        starts, n = [], 0
        for chunk in self.chunks:
            starts.append(n)
            n += len(chunk.sentences())
        self.sentence_start = starts  # row of each chunk's first sentence in sentence_vectors
        self._rows = {c.key: (a, a + len(c.sentences())) for c, a in zip(self.chunks, starts)}
        self.bank_negative = np.array([e.id is None for e in self.bank], dtype=bool)  # near-miss questions
        self.bank_chunk = bank_chunks(self.chunks, self.bank)
        self.banked_documents = frozenset(self.chunks[p].doc for p in set(self.bank_chunk.tolist()) if p >= 0)
        self.word_spread = self._word_spread()
        nouns = tokenizer("surface")  # each noun of the documents as written: how many chunks use it (query.py)
        self.chunks_using = Counter(w for c in self.chunks for w in set(nouns.tokenize(c.text, nouns_only=True)))
        self._last_bank: tuple[bytes, np.ndarray] = (b"", np.zeros(0, dtype=np.float32))

    def _word_spread(self) -> dict[str, float]:
        """For each word of the bank's questions, the share of the banked places whose questions use it: how people
        ask about anything (国, 計画, どう) rather than about one subject (詐欺, 著作権)."""
        if not self.bank_bm25:
            return {}
        places = [e.id for e in self.bank]
        count = len({p for p in places if p})
        indptr, indices = self.bank_bm25.scores["indptr"], self.bank_bm25.scores["indices"]
        spread = {}
        for word, i in self.bank_bm25.vocab_dict.items():
            if word and i + 1 < len(indptr):
                spread[word] = len({places[d] for d in indices[indptr[i]:indptr[i + 1]] if places[d]}) / count
        return spread

    def sentence_rows(self, chunk: Chunk) -> np.ndarray:
        """The sentence vectors of one chunk, in chunk.sentences() order."""
        start, end = self._rows[chunk.key]
        return self.sentence_vectors[start:end]

    def dense_search(self, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top-k chunk positions by inner product with a unit query vector."""
        from llama_index.core.vector_stores.types import VectorStoreQuery

        result = self.vector_store.query(
            VectorStoreQuery(query_embedding=query_vector.tolist(), similarity_top_k=min(k, len(self.chunks))))
        return [(int(i), float(s)) for i, s in zip(result.ids, result.similarities)]

    def bank_similarities(self, query_vector: np.ndarray) -> np.ndarray:
        """Cosine of the query with every bank question, in bank order.

        einsum, not ``@``: a BLAS call here wakes OpenBLAS's thread pool, whose spinning threads then slow
        the next query embedding on 2 cores (answer p50 20 → 48 ms, measured); the loop takes ≈ 1 ms. The last
        result is kept: retrieval, the scope check and the bank link of one answer ask for the same query."""
        key, last = self._last_bank
        if key != (new := query_vector.tobytes()):
            last = np.einsum("ij,j->i", self.bank_vectors, query_vector)
            self._last_bank = (new, last)
        return last

    def bank_search(self, similarities: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top-k chunk positions by their best-matching bank question (question→question similarity)."""
        return self._best_per_chunk(similarities, k)

    def bank_sparse_search(self, query_tokens: list[str], k: int) -> list[tuple[int, float]]:
        """Top-k chunk positions by the BM25 score of their best-matching bank question: the bank's everyday
        words (規制を優先, 巻き返し) match a question the documents' own words do not."""
        known = [t for t in query_tokens if self.bank_bm25 and t in self.bank_bm25.vocab_dict]
        if not known:
            return []
        scores = self.bank_bm25.get_scores(known)
        return [(p, s) for p, s in self._best_per_chunk(scores, k) if s > 0]

    def place_search(self, query_vector: np.ndarray, k: int, also: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k chunk positions by the bank-fitted place classifier's score (places.py); with ``also`` (a second
        spelling of the same question), by the mean of both scores."""
        scores = place_scores(query_vector, self.places)
        if also is not None:
            scores = (scores + place_scores(also, self.places)) / 2
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(p), float(scores[p])) for p in order]

    def place_shares(self, query_vector: np.ndarray) -> dict[str, float]:
        """The place classifier's probability of each chunk (by key) being the question's place."""
        return {c.key: p for c, p in zip(self.chunks, place_probabilities(query_vector, self.places).tolist())}

    def document_shares(self, query_vector: np.ndarray) -> dict[str, float]:
        """The place classifier's probability mass on each document's chunks: how likely the bank makes it that
        the question is about that document."""
        shares: dict[str, float] = {}
        for chunk, share in zip(self.chunks, place_probabilities(query_vector, self.places).tolist()):
            shares[chunk.doc] = shares.get(chunk.doc, 0.0) + share
        return shares

    def _best_per_chunk(self, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top-k chunk positions by the best score of a bank question placed in them (negatives ignored)."""
        held = self.bank_chunk >= 0
        best = np.full(len(self.chunks), -np.inf)
        np.maximum.at(best, self.bank_chunk[held], scores[held])
        order = np.argsort(-best, kind="stable")[:k]
        return [(int(p), float(best[p])) for p in order if np.isfinite(best[p])]

    def sparse_search(self, query_tokens: list[str], k: int) -> list[tuple[int, float]]:
        """Top-k chunk positions by BM25 score (zero scores dropped)."""
        known = [t for t in query_tokens if t in self.bm25.vocab_dict]
        if not known:
            return []
        scores = self.bm25.get_scores(known)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


@contextmanager
def _lock(out_dir: Path) -> Iterator[None]:
    lock = out_dir.parent / f".{out_dir.name}.lock"
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        raise IndexLockedError(
            f"another build holds {lock}; wait for it, or delete the file if no build is running") from None
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        lock.unlink(missing_ok=True)


def _chunks_json(chunks: list[Chunk]) -> bytes:
    return json.dumps([asdict(c) for c in chunks], ensure_ascii=False, indent=1).encode()


def _settings(corpus: Corpus, embedder: Embedder) -> dict:
    return {
        "planqa_version": __version__,
        "corpus_digest": corpus.digest,
        "packs": list(corpus.packs),
        "bank_digest": bank_digest(corpus),
        "embedder": embedder.id,
        "dim": embedder.dim,
        "chunker_version": CHUNKER_VERSION,
        "token_form": TOKEN_FORM,
        "tokenizer_version": TOKENIZER_VERSION,
    }


def build_index(corpus: Corpus, embedder: Embedder, out_dir: Path | str = DEFAULT_INDEX_DIR,
                progress: Callable[[int, int], None] | None = None,
                cache_dir: Path | str = DEFAULT_CACHE_DIR) -> dict:
    """Chunk, embed and index the corpus and its question bank into ``out_dir``; return the manifest.

    ``progress(done, total)`` is called as texts are embedded (cached ones count as done at once)."""
    import faiss
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.faiss import FaissVectorStore

    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with _lock(out_dir):
        chunks = make_chunks(corpus)
        bank, in_scope = load_bank(corpus), [e.q for e in load_in_scope(corpus)]
        texts = [c.embedding_text() for c in chunks]
        sentences = [f"{c.header}\n{sent}" for c in chunks for _, sent in c.sentences()]
        cache = EmbeddingCache(cache_dir, embedder)
        total, done = len(texts) + len(sentences) + len(bank) + len(in_scope), 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, total)

        both = cache.embed(texts + sentences, is_query=False, batch=16, progress=step)
        matrix, sentence_matrix = both[:len(texts)], both[len(texts):]
        bank_matrix = cache.embed([e.q for e in bank], is_query=True, progress=step)
        in_scope_matrix = cache.embed(in_scope, is_query=True, progress=step)
        if cache.misses:
            cache.save()
        places = _places(chunks, bank, bank_matrix, cache.path)
        store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(embedder.dim))
        store.add([TextNode(id_=str(i), text="", embedding=v.tolist()) for i, v in enumerate(matrix)])
        tok = tokenizer(TOKEN_FORM)
        bm25, bank_bm25 = _bm25([tok(t) for t in texts]), _bm25([tok(e.q) for e in bank]) if bank else None
        names = [n for d in corpus.documents for n in (d.label, d.title, *d.aliases)]  # こっし → 骨子: a name too
        kana = KanaReader.learn([f"{sec.title}\n{sec.text}" for sec in corpus] + names, (e.q for e in bank))  # 「(定義)」 too

        work = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.build."))
        try:
            (work / "chunks.json").write_bytes(_chunks_json(chunks))
            store.persist(str(work / "dense.faiss"))
            for name, array in (("sentences.npy", sentence_matrix), ("bank.npy", bank_matrix),
                                ("in_scope.npy", in_scope_matrix), ("places.npy", places)):
                with open(work / name, "wb") as fh:
                    np.save(fh, array, allow_pickle=False)
            (work / "bank.json").write_bytes(
                json.dumps([e.to_json() for e in bank], ensure_ascii=False, indent=0).encode())
            (work / "kana.json").write_bytes(json.dumps(kana.words, ensure_ascii=False, indent=0).encode())
            bm25.save(str(work / "bm25"), show_progress=False)
            if bank_bm25:
                bank_bm25.save(str(work / "bank_bm25"), show_progress=False)
            out_dir.mkdir(exist_ok=True)
            (out_dir / "manifest.json").unlink(missing_ok=True)  # invalid until the new one lands
            files = {}
            for src in sorted(work.rglob("*")):
                if src.is_file():
                    rel = src.relative_to(work).as_posix()
                    (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
                    _atomic_write(out_dir / rel, src.read_bytes())
                    files[rel] = _sha256(out_dir / rel)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        manifest = _settings(corpus, embedder) | {
            "chunks": len(chunks),
            "bank_questions": sum(e.id is not None for e in bank),
            "bank_negatives": sum(e.id is None for e in bank),
            "in_scope_questions": len(in_scope),
            "embedded": cache.misses,
            "gaps": sorted(g for d in corpus.documents for g in d.gaps),
            "files": files,
        }
        _atomic_write(out_dir / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    manifest["build_seconds"] = round(time.perf_counter() - started, 2)
    return manifest


def _places(chunks: list[Chunk], bank: list[BankEntry], questions: np.ndarray, embeddings: Path) -> np.ndarray:
    """The place classifier fitted on the bank's questions and the chunks holding their places (``bank_chunks``;
    those holding none are left out), cached beside the embedding cache."""
    labels = bank_chunks(chunks, bank)
    key = questions.tobytes() + labels.tobytes() + json.dumps([len(chunks), TEMPERATURE, DECAY, STEPS]).encode()
    return _fitted(embeddings, "places", key, lambda: fit_places(questions, labels, len(chunks)))


def _fitted(embeddings: Path, name: str, key: bytes, fit: Callable[[], np.ndarray]) -> np.ndarray:
    """``fit()``, cached beside the embedding cache under a digest of ``key`` (what the fit depends on): a rebuild
    that changes nothing fits nothing; a damaged cache file only costs time."""
    cached = embeddings.with_name(f"{embeddings.stem}.{name}-{hashlib.sha256(key).hexdigest()[:24]}.npy")
    if cached.is_file():
        try:
            return np.load(cached, allow_pickle=False)
        except (OSError, ValueError):
            pass
    array = fit()
    cached.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    _atomic_write(cached, buf.getvalue())
    return array


def bank_chunks(chunks: list[Chunk], bank: list[BankEntry]) -> np.ndarray:
    """The position of the chunk holding each bank entry's place (-1: a negative, or a group's overview question:
    4つの基本的な方針 has no text of its own, and its questions rank none of its parts above the others)."""
    where: dict[str, int] = {}
    for pos, chunk in enumerate(chunks):
        for cid in chunk.ids:
            where.setdefault(cid, pos)
    return np.array([where.get(e.id, -1) if e.id else -1 for e in bank], dtype=np.int64)


def _bm25(docs: list[list[str]]):
    """A bm25s index over tokenised documents, its vocabulary numbered in sorted order (stable across builds)."""
    import bm25s

    vocab = {t: i for i, t in enumerate(sorted({t for d in docs for t in d}))}
    bm25 = bm25s.BM25()
    bm25.index(([[vocab[t] for t in d] for d in docs], vocab), show_progress=False)
    return bm25


def _read_manifest(index_dir: Path) -> dict:
    path = index_dir / "manifest.json"
    if not path.is_file():
        raise IndexNotFoundError(f"no index at {index_dir}: build it with `planqa build`")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(f"{path} is unreadable ({exc}): rebuild with `planqa build`") from exc


def index_packs(index_dir: Path | str) -> tuple[str, ...]:
    """The optional corpus packs an index was built with (none when it has no readable manifest: loading it
    then says what is wrong)."""
    try:
        return tuple(_read_manifest(Path(index_dir)).get("packs", ()))
    except (IndexNotFoundError, IndexCorruptError):
        return ()


def check_index(index_dir: Path | str, corpus: Corpus, embedder_id: str) -> dict:
    """Verify manifest settings and file checksums; return the manifest or raise."""
    index_dir = Path(index_dir)
    manifest = _read_manifest(index_dir)
    expected = {"corpus_digest": corpus.digest, "bank_digest": bank_digest(corpus), "embedder": embedder_id, "chunker_version": CHUNKER_VERSION,
                "token_form": TOKEN_FORM, "tokenizer_version": TOKENIZER_VERSION}
    stale = [f"{k}: index has {manifest.get(k)!r}, expected {v!r}" for k, v in expected.items()
             if manifest.get(k) != v]
    if stale:
        raise IndexMismatchError(f"index at {index_dir} does not match ({'; '.join(stale)}): "
                                 "rebuild with `planqa build`")
    for rel, digest in manifest.get("files", {}).items():
        path = index_dir / rel
        if not path.is_file() or _sha256(path) != digest:
            raise IndexCorruptError(f"{path} is missing or damaged: rebuild with `planqa build`")
    if not all(f in manifest.get("files", {}) for f in _FILES):
        raise IndexCorruptError(f"manifest at {index_dir} lists no index files: rebuild with `planqa build`")
    return manifest


def load_index(index_dir: Path | str, corpus: Corpus, embedder_id: str) -> SearchIndex:
    """Load a checked index; refuse a stale, mismatched or damaged one with a clear message."""
    import bm25s
    from llama_index.vector_stores.faiss import FaissVectorStore

    index_dir = Path(index_dir)
    manifest = check_index(index_dir, corpus, embedder_id)
    try:
        raw = json.loads((index_dir / "chunks.json").read_text(encoding="utf-8"))
        chunks = [Chunk(key=c["key"], header=c["header"], units=tuple(Unit(**u) for u in c["units"]),
                        doc=c["doc"]) for c in raw]
        store = FaissVectorStore.from_persist_path(str(index_dir / "dense.faiss"))
        bm25 = bm25s.BM25.load(str(index_dir / "bm25"), show_progress=False)
        bank_bm25 = bm25s.BM25.load(str(index_dir / "bank_bm25"), show_progress=False) \
            if (index_dir / "bank_bm25").is_dir() else None
        sentence_vectors = np.load(index_dir / "sentences.npy", allow_pickle=False)
        bank = [BankEntry(e.get("id"), e["q"], e["register"], tuple(e.get("answer", ())), e.get("source", ""))
                for e in json.loads((index_dir / "bank.json").read_text(encoding="utf-8"))]
        bank_vectors = np.load(index_dir / "bank.npy", allow_pickle=False)
        in_scope_vectors = np.load(index_dir / "in_scope.npy", allow_pickle=False)
        places = np.load(index_dir / "places.npy", allow_pickle=False)
        kana_words = json.loads((index_dir / "kana.json").read_text(encoding="utf-8"))
    except Exception as exc:  # faiss/bm25s raise RuntimeError, ValueError, OSError …
        raise IndexCorruptError(f"cannot read index at {index_dir} ({exc}): rebuild with `planqa build`") from exc
    n_sentences = sum(len(c.sentences()) for c in chunks)
    bank_sparse_docs = bank_bm25.scores["num_docs"] if bank_bm25 else 0
    if (store.client.ntotal != len(chunks) or store.client.d != manifest["dim"]
            or sentence_vectors.shape != (n_sentences, manifest["dim"])
            or bank_vectors.shape != (len(bank), manifest["dim"]) or bank_sparse_docs != len(bank)
            or in_scope_vectors.shape != (manifest.get("in_scope_questions"), manifest["dim"])
            or places.shape != (manifest["dim"] + 1, len(chunks))
            or not isinstance(kana_words, dict)):
        raise IndexCorruptError(f"index at {index_dir} is inconsistent: rebuild with `planqa build`")
    return SearchIndex(chunks=chunks, vector_store=store, bm25=bm25, manifest=manifest,
                       sentence_vectors=sentence_vectors, bank=bank, bank_vectors=bank_vectors, bank_bm25=bank_bm25,
                       places=places, kana_words=kana_words, in_scope_vectors=in_scope_vectors)
