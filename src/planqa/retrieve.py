"""Hybrid retrieval: FAISS + BM25 + question bank, fused by reciprocal rank; explicitly referenced places first.

Retrieval only retrieves: it takes a question already read by the query stage (``normalize``) and ranks chunks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .chunk import Chunk
from .corpus import id_matches
from .embed import Embedder
from .index import SearchIndex
from .names import DocumentNames
from .normalize import ADDED, find_references, normalize_query
from .text import TOKEN_FORM, tokenizer
from .vocab import Vocabulary

__all__ = ["Hit", "RetrievalConfig", "Retriever"]


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the component ranks (None: not retrieved)."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    sparse_score: float | None = None
    referenced: bool = False

    def to_json(self) -> dict:
        return {"ids": list(self.chunk.ids), "score": round(self.score, 6)}


@dataclass(frozen=True)
class RetrievalConfig:
    """How to retrieve. ``mode`` is ``hybrid``, ``dense`` or ``sparse``."""

    mode: str = "hybrid"
    rrf_k: int = 10  # tuned on eval/dev.jsonl (MRR@10), see README
    dense_weight: float = 0.5
    sparse_weight: float = 1.0
    bank_weight: float = 1.0  # question→question similarity to the question bank; measured on the 16 used sets with the 5,409-entry bank (README)
    bank_sparse_weight: float = 1.5  # BM25 over the bank questions; 0.5 / 0.75 / 1.0 / 1.5 measured on 19 used sets (README)
    place_weight: float = 0.5  # the bank-fitted place classifier (places.py); 0.3–1.0 measured, README "Question bank"
    message_weight: float = 3.0  # one ask of a longer message: the whole message's ranking as a sixth list (README)
    candidates: int = 50

    def __post_init__(self) -> None:
        if self.mode not in ("hybrid", "dense", "sparse"):
            raise ValueError(f"mode must be hybrid, dense or sparse, not {self.mode!r}")


class Retriever:
    """Ranks chunks for a question. Heavy state (index, embedder, tokenizer) is loaded once."""

    def __init__(self, index: SearchIndex, embedder: Embedder, config: RetrievalConfig | None = None,
                 vocabulary: Vocabulary | None = None, names: DocumentNames = DocumentNames()) -> None:
        self.index = index
        self.names = names  # the documents' names, for explicit references (第18条 → ai_act:18)
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self.vocabulary = vocabulary
        self.tokenize = tokenizer(TOKEN_FORM)
        self._position = {chunk.key: pos for pos, chunk in enumerate(index.chunks)}
        self._last_message: tuple[tuple, list[tuple[int, float]]] = ((), [])  # each ask of a message reuses it

    def referenced_chunks(self, refs: list[str]) -> list[int]:
        """Positions of chunks lying inside (or containing) the referenced places."""
        found = []
        for ref in refs:
            depth = {}  # chunk position → how far its closest ID is from the reference
            for pos, chunk in enumerate(self.index.chunks):
                gaps = [abs(cid.count(".") - ref.count(".")) for cid in chunk.ids
                        if id_matches(cid, ref) or id_matches(ref, cid)]
                if gaps:
                    depth[pos] = min(gaps)
            if depth:
                best = min(depth.values())
                found += [pos for pos, d in depth.items() if d == best]
        return list(dict.fromkeys(found))

    def _message_ranking(self, message: str, k: int, documents: frozenset[str] | None) -> list[tuple[int, float]]:
        """The whole message's own ranking (chunk positions, fused scores), kept for its next ask."""
        key, (last, ranking) = (message, k, documents), self._last_message  # one read: another thread may replace it
        if last != key:
            ranking = [(self._position[h.chunk.key], h.score) for h in self.rank(message, k, documents)]
            self._last_message = (key, ranking)
        return ranking

    def words(self, query: str) -> list[str]:
        """The query's words for the BM25 signals. A document's name (AI法, 基本計画) says where to look rather than
        what about, so it is left out when another noun remains: 「人工知能基本計画に、自動運転のことは書いてある？」
        matched 第18条, whose text says 基本計画 most often; 「基本計画は誰が作る」 keeps it (README, fifteenth change set)."""
        rest = self.names.pattern.sub(" ", query)
        if rest != query and self.tokenize.tokenize(rest, nouns_only=True):
            return self.tokenize(rest)
        return self.tokenize(query)  # no name, or nothing else named: one pass

    def search(self, question: str, k: int = 10) -> list[Hit]:
        """Top-k hits for a raw question (normalised here), explicitly referenced places first."""
        return self.rank(normalize_query(question, self.vocabulary, self.names), k)

    def rank(self, query: str, k: int = 10, documents: frozenset[str] | None = None,
             places: tuple[str, ...] = (), written: str | None = None, message: str | None = None) -> list[Hit]:
        """Top-k hits for a question the query stage has already normalised (its appended terms count as words);
        ``documents``: only places of these documents (every chunk is then a candidate); ``places``: places the
        question names otherwise than by number (a heading it quotes), first after those it names by number;
        ``written``: the question as written before its kana was read (「だれがいちばんえらいの」): the bank holds
        questions in hiragana too, so the bank lists also take the nearer of the two spellings; ``message``: the whole
        message one ask of it was taken from (normalised), whose own ranking joins as one more list: an ask that leaves
        its subject to the sentences before it (「…AIリテラシー教育を進めるらしいですが、低学年から触らせて大丈夫？」)
        still finds it."""
        embedded, query, cfg = query, query.replace(ADDED, " "), self.config  # the text as the answer side embeds it
        if documents is not None:
            cfg = replace(cfg, candidates=len(self.index.chunks))
        dense = sparse = bank = bank_sparse = classed = []
        vector = self.embedder.query(embedded) if cfg.mode != "sparse" else None  # one embedding for dense and bank,
        # shared with the composer's sentence scoring and the scope checks
        tokens = self.words(query) if cfg.mode != "dense" else []
        if cfg.mode in ("hybrid", "dense"):
            dense = self.index.dense_search(vector, cfg.candidates)
        if cfg.mode in ("hybrid", "sparse"):
            sparse = self.index.sparse_search(tokens, cfg.candidates)
        as_written = self.embedder.query(written) if written and cfg.mode == "hybrid" else None
        if cfg.mode == "hybrid" and cfg.bank_weight:
            similarities = self.index.bank_similarities(vector)
            if as_written is not None:
                similarities = np.maximum(similarities, self.index.bank_similarities(as_written))
            bank = self.index.bank_search(similarities, cfg.candidates)
        if cfg.mode == "hybrid" and cfg.bank_sparse_weight:
            bank_sparse = self.index.bank_sparse_search(tokens, cfg.candidates)
        if cfg.mode == "hybrid" and cfg.place_weight:
            classed = self.index.place_search(vector, cfg.candidates, also=as_written)
        named = frozenset(self.names.named(query))
        if named - self.index.banked_documents:  # a named document the bank has no questions for: the bank speaks
            chunks = self.index.chunks  # for the named ones only, so another document's bank does not outrank it
            bank, bank_sparse, classed = ([(p, s) for p, s in r if chunks[p].doc in named]
                                          for r in (bank, bank_sparse, classed))
        whole = self._message_ranking(message, cfg.candidates, documents) \
            if message and cfg.message_weight and cfg.mode == "hybrid" else []
        fused: dict[int, float] = {}
        for weight, ranking in ((cfg.dense_weight, dense), (cfg.sparse_weight, sparse), (cfg.bank_weight, bank),
                                (cfg.bank_sparse_weight, bank_sparse), (cfg.place_weight, classed),
                                (cfg.message_weight, whole)):
            for rank, (pos, _) in enumerate(ranking):
                fused[pos] = fused.get(pos, 0.0) + weight / (cfg.rrf_k + rank + 1)
        referenced = self.referenced_chunks(list(dict.fromkeys([*find_references(query, self.names), *places])))
        for n, pos in enumerate(referenced):
            fused[pos] = fused.get(pos, 0.0) + 1.0 - n * 1e-3  # above any fused score
        dense_by, sparse_by = dict(dense), dict(sparse)
        order = sorted((p for p in fused if documents is None or self.index.chunks[p].doc in documents),
                       key=lambda p: -fused[p])[:k]
        return [Hit(self.index.chunks[p], fused[p], dense_by.get(p), sparse_by.get(p), p in referenced)
                for p in order]
