"""Everyday words → the documents' terms, learned from the question bank (no hand-kept table).

People ask with words the documents never use (学校, 会社, 育てる); the documents say 教育, 事業, 育成.
BM25 cannot bridge that gap, so the query stage appends the documents' terms. The mapping is learned:

1. **Alignment.** IBM Model 1 (EM) over the bank's (question, answering sentences) pairs gives, for every
   question word, the answer words it aligns with and how strongly (posterior share per question).
2. **Generality.** A pair is kept when the question word is absent from the documents, was asked
   ``min_questions`` times, aligns with the term at share ``min_share`` on average, and does so for
   questions of at least ``min_places`` different places: one place's wording is not a synonym. A term
   found in more than ``max_place_share`` of all places (内閣府, 推進) is a hub that bridges to nothing.
3. **Meaning.** The two words' embeddings (the query model) must be close (``min_cosine``): alignment alone
   also pairs words that merely co-occur (メンバー → 持つ).

``planqa vocab`` writes the result as data (``corpus/bank/vocabulary.tsv``, named by sources.toml) with the
evidence for each pair. Scope checks count a learned everyday word as known, not as a sign of another subject.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .bank import BankEntry
from .corpus import Corpus
from .errors import CorpusError

__all__ = ["Vocabulary", "VocabularySettings", "learn_vocabulary", "read_vocabulary", "write_vocabulary"]

_NULL = "\0"  # the empty word of IBM Model 1: question words that align with nothing in the answer


@dataclass(frozen=True)
class VocabularySettings:
    """Thresholds of the learner; chosen on eval/dev.jsonl and the tuned sets (README)."""

    iterations: int = 8
    min_questions: int = 3
    min_share: float = 0.2
    min_places: int = 2
    min_cosine: float = 0.88
    max_terms: int = 2
    max_place_share: float = 0.1  # a term found in more of the places (内閣府, 推進) is a hub, not a synonym
    document_words: bool = False  # also learn for words the documents use (自治体 in the plan, 地方公共団体 in the Act)


@dataclass(frozen=True)
class Vocabulary:
    """Everyday word → the document terms it stands for."""

    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def expand(self, tokens: Iterable[str]) -> list[str]:
        """The document terms for a question's tokens, in order, each once."""
        return list(dict.fromkeys(t for tok in tokens for t in self.terms.get(tok, ())))

    def everyday(self, word: str) -> bool:
        """A word people use when asking about the documents (so not a sign of another subject)."""
        return word in self.terms


def _content(tokens: list[str], skip: Callable[[str], bool]) -> list[str]:
    return [t for t in tokens if len(t) > 1 and not t.isdigit() and not skip(t)]


def compound_terms(text: str) -> list[str]:
    """Content words of a document sentence with noun compounds kept whole (地方公共団体, 活用事業者): the
    documents' terms as a reader sees them, not as the tagger splits them."""
    from .text import arabic_numerals, normalize, tokenizer

    terms, run = [], []
    for word in tokenizer("surface", content_only=False)._tagger(arabic_numerals(normalize(text))):
        f = word.feature
        if (f.pos1 == "名詞" and f.pos2 != "数詞") or (run and f.pos1 == "接尾辞" and f.pos2 == "名詞的"):
            run.append(word.surface)
            continue
        if run:
            terms.append("".join(run))
            run = []
        if f.pos1 in ("動詞", "形容詞", "形状詞") and f.pos2 != "非自立可能" and f.lemma and f.lemma != "*":
            terms.append(f.lemma.split("-")[0])
    return terms + (["".join(run)] if run else [])


def learn_vocabulary(corpus: Corpus, entries: Iterable[BankEntry], tokenize: Callable[[str], list[str]],
                     similarity: Callable[[str, str], float], skip: Callable[[str], bool] = lambda t: False,
                     settings: VocabularySettings = VocabularySettings(),
                     answer_terms: Callable[[str], list[str]] = compound_terms) -> tuple[Vocabulary, list[dict]]:
    """Learn the vocabulary from the bank; also return the evidence for each kept pair (for the data file).
    Question words are ``tokenize``'s; the terms they align with are ``answer_terms`` of the linked sentences."""
    s = settings
    document_words = {t for sec in corpus for t in tokenize(f"{sec.title} {sec.text}")}
    places_with = Counter(t for sec in corpus for t in set(answer_terms(f"{sec.title} {sec.text}")))
    hubs = {t for t, n in places_with.items() if n > s.max_place_share * len(corpus.sections)}
    pairs, places = [], []
    for e in entries:
        if e.id is None or e.id not in corpus or e.register == "i":  # English questions teach no Japanese words
            continue
        question = _content(tokenize(e.q), skip)
        answer = sorted(set(_content(answer_terms(" ".join(e.answer) or corpus[e.id].text), skip)))
        pairs.append((question, answer))
        places.append(e.id)
    trans: defaultdict[tuple[str, str], float] = defaultdict(lambda: 1.0)
    for _ in range(s.iterations):  # EM for t(question word | answer word)
        count: defaultdict[tuple[str, str], float] = defaultdict(float)
        total: defaultdict[str, float] = defaultdict(float)
        for question, answer in pairs:
            source = answer + [_NULL]
            for w in question:
                z = sum(trans[(w, a)] for a in source)
                for a in source:
                    p = trans[(w, a)] / z
                    count[(w, a)] += p
                    total[a] += p
        trans = defaultdict(float, {k: v / total[k[1]] for k, v in count.items()})
    asked, share = Counter(), defaultdict(Counter)
    where: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for (question, answer), place in zip(pairs, places):
        source = answer + [_NULL]
        for w in set(question):
            asked[w] += 1
            if w in document_words and not s.document_words:
                continue
            z = sum(trans[(w, a)] for a in source)
            for a in answer:
                if a == w or a in w or w in a:
                    continue  # the word itself (or a part of it) is no new term
                p = trans[(w, a)] / z
                share[w][a] += p
                if p >= s.min_share:
                    where[(w, a)].add(place)
    terms, evidence = {}, []
    for w, shares in share.items():
        if asked[w] < s.min_questions:
            continue
        kept = []
        for a, mass in shares.most_common():
            if mass / asked[w] < s.min_share or len(kept) == s.max_terms:
                break
            if a not in hubs and len(where[(w, a)]) >= s.min_places and (cos := similarity(w, a)) >= s.min_cosine:
                kept.append(a)
                evidence.append({"word": w, "term": a, "questions": asked[w], "share": round(mass / asked[w], 3),
                                 "places": len(where[(w, a)]), "cosine": round(cos, 3)})
        if kept:
            terms[w] = tuple(kept)
    return Vocabulary(terms), evidence


_HEADER = "# word\tterm\tquestions\tshare\tplaces\tcosine   (learned by `planqa vocab`; do not edit by hand)"


def write_vocabulary(path: Path, vocabulary: Vocabulary, evidence: list[dict]) -> None:
    """Write the learned pairs with their evidence, one a line, atomically."""
    rows = [_HEADER]
    rows += [f"{e['word']}\t{e['term']}\t{e['questions']}\t{e['share']}\t{e['places']}\t{e['cosine']}"
             for e in sorted(evidence, key=lambda e: (e["word"], -e["share"]))]
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("\n".join(rows) + "\n", encoding="utf-8")
    tmp.replace(path)


def read_vocabulary(path: Path | None) -> Vocabulary:
    """The vocabulary in a file written by write_vocabulary (an empty one when the manifest names none)."""
    if path is None:
        return Vocabulary()
    if not path.is_file():
        raise CorpusError(f"{path} not found: sources.toml names it as the vocabulary (run `planqa vocab`)")
    terms: dict[str, list[str]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 6 or not cells[0] or not cells[1]:
            raise CorpusError(f"{path}:{n}: expected word, term and 4 figures, tab-separated")
        terms.setdefault(cells[0], []).append(cells[1])
    return Vocabulary({w: tuple(t) for w, t in terms.items()})
