"""Word weights shared by the answer stage: how many chunks hold each word (from the BM25 matrix)."""

from __future__ import annotations

import math
import re
from typing import Callable

import numpy as np

from .index import SearchIndex
from .scope import GENERIC

__all__ = ["TermWeights", "FUNCTION_NOUNS"]

_ASIDE = re.compile(r"[(（][^()（）]*。[)）]")
FUNCTION_NOUNS = frozenset({"事", "物", "為"})  # lemmas of こと, もの, ため: no content to cover


class TermWeights:
    """IDF of every indexed word, the rare ones, and a cached token set per document sentence."""

    def __init__(self, index: SearchIndex, tokenize: Callable[[str], list[str]]) -> None:
        self.tokenize = tokenize
        self.vocab = index.bm25.vocab_dict
        n_docs = len(index.chunks)
        indptr = np.asarray(index.bm25.scores["indptr"], dtype=np.int64)  # CSC: one column a token
        df = np.zeros(len(self.vocab), dtype=np.int64)
        df[:len(indptr) - 1] = np.diff(indptr)  # chunks each token occurs in
        self.idf = {tok: math.log(1 + n_docs / (1 + df[i])) for tok, i in self.vocab.items()}
        self.max_idf = math.log(1 + n_docs)
        self.rare_idf = math.log(1 + n_docs / 3)  # a word in at most 2 chunks
        self._cache: dict[str, frozenset[str]] = {}
        self._main: dict[str, frozenset[str]] = {}  # a sentence's words outside its statute asides

    def words(self, sentence: str) -> frozenset[str]:
        """Token set of a document sentence, tokenized once per process (the corpus is small)."""
        if sentence not in self._cache:
            self._cache[sentence] = frozenset(self.tokenize(sentence))
        return self._cache[sentence]

    def coverage(self, query_tokens: list[str], sentence: str) -> float:
        """IDF-weighted share of the question's terms that the sentence contains; a term found only in
        a statute aside (「（…をいう。）」) counts half, so a long definition does not make a hub."""
        sent = self.words(sentence)
        if sentence not in self._main:
            self._main[sentence] = self.words(_without_asides(sentence))
        main = self._main[sentence]
        weights = {t: self.idf.get(t, self.max_idf) for t in set(query_tokens)
                   if t not in GENERIC and t not in FUNCTION_NOUNS}
        total = sum(weights.values())
        got = sum(w if t in main else 0.5 * w for t, w in weights.items() if t in sent)
        return got / total if total else 0.0


def _without_asides(sentence: str) -> str:
    """The sentence with its parentheses (definitions, references) removed, innermost first."""
    while True:
        shorter = _ASIDE.sub("", sentence)
        if shorter == sentence:
            return sentence
        sentence = shorter
