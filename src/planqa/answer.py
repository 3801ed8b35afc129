"""Grounded answers: routes by question type, an extractive composer, abstention, optional LLM.

Every sentence of an answer is quoted from the documents and followed by its citation label
(``…を推進。[骨子 第3章第1節(3)①]``); when the documents do not answer, the assistant says so.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .chunk import Chunk, Unit
from .corpus import DEFAULT_CORPUS_DIR, Corpus, load_corpus
from .embed import DEFAULT_EMBEDDER, Embedder, get_embedder
from .errors import InvalidQuestionError, LLMError
from .index import DEFAULT_INDEX_DIR, TOKEN_FORM, load_index
from .ministries import Measure, display_name, ministry_table
from .retrieve import Hit, RetrievalConfig, Retriever, find_references, normalize_query
from .routes import Route, detect_route, is_followup
from .text import tokenizer

__all__ = ["Citation", "Answer", "Assistant", "AnswerConfig", "MAX_QUESTION_CHARS", "clean_question"]

MAX_QUESTION_CHARS = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_PENALTY_WORDS = re.compile(r"罰則|罰金|刑事罰|制裁|処罰|懲役|過料|ペナルティ|罰|違反")
_GENERIC = frozenset({"ai", "法", "こと", "もの", "何", "なに", "どう", "どの", "ある", "有る", "いる", "居る", "する",
                      "為る", "なる", "成る", "教える", "いう", "言う", "ない", "無い", "です", "ます", "ん", "の"})


@dataclass(frozen=True)
class Citation:
    """A cited place: SPEC §2 ID, its label and its text."""

    id: str
    label: str
    text: str

    def to_json(self) -> dict:
        return {"id": self.id, "label": self.label, "text": self.text}


@dataclass(frozen=True)
class Answer:
    """What `planqa ask --json` prints (SPEC §5), plus the route taken."""

    answer: str
    abstained: bool
    citations: tuple[Citation, ...]
    retrieved: tuple[Hit, ...]
    latency_ms: float
    route: str = "general"
    question: str = ""

    def to_json(self) -> dict:
        return {"answer": self.answer, "abstained": self.abstained,
                "citations": [c.to_json() for c in self.citations],
                "retrieved": [h.to_json() for h in self.retrieved[:10]],
                "latency_ms": round(self.latency_ms, 2)}


@dataclass(frozen=True)
class AnswerConfig:
    """Composer settings; thresholds calibrated on eval/dev.jsonl (see README)."""

    max_sentences: int = 3
    candidate_chunks: int = 5
    min_confidence: float = 0.80
    unknown_share: float = 0.5
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)


def clean_question(question: object) -> str:
    """Validate and clean a question; raise InvalidQuestionError with a Japanese message."""
    if not isinstance(question, str):
        raise InvalidQuestionError("question must be text", "質問は文字で入力してください。")
    text = question.encode("utf-8", "replace").decode("utf-8")  # lone surrogates → ?
    text = _CONTROL.sub(" ", text.replace("\ufffd", " "))
    text = re.sub(r"\s+", " ", text).strip()
    if not text or not re.search(r"\w", text):
        raise InvalidQuestionError("empty question", "質問を入力してください。")
    if len(text) > MAX_QUESTION_CHARS:
        raise InvalidQuestionError(
            f"question longer than {MAX_QUESTION_CHARS} characters",
            f"質問が長すぎます（{len(text)}文字）。{MAX_QUESTION_CHARS}文字以内で、要点をしぼって入力してください。")
    return text


def _strip_marker(sentence: str) -> str:
    return re.sub(r"^(?:・|[①-⑳]\s*|\d+\s+)", "", sentence).strip()


class Assistant:
    """Answers questions about the corpus. Load once, ask many times."""

    def __init__(self, corpus: Corpus, retriever: Retriever, config: AnswerConfig | None = None,
                 llm=None) -> None:
        self.corpus = corpus
        self.retriever = retriever
        self.config = config or AnswerConfig()
        self.llm = llm
        self.table: list[Measure] = ministry_table(corpus)
        self.measures = {m.id: m for m in self.table}
        self.known_ministries = {n for m in self.table for n in m.ministries} | \
            {n for m in self.table for s in m.sectors for n in s.ministries}
        self.tokenize = tokenizer(TOKEN_FORM)
        self._tagger = tokenizer("surface", content_only=False)._tagger
        vocab = retriever.index.bm25.vocab_dict
        n_docs = len(retriever.index.chunks)
        self._vocab = set(vocab)
        freqs = np.asarray((retriever.index.bm25.scores["indices"]), dtype=np.int64)
        df = np.bincount(freqs, minlength=len(vocab)) if freqs.size else np.zeros(len(vocab))
        self._idf = {tok: math.log(1 + n_docs / (1 + df[i])) for tok, i in vocab.items()}
        self._max_idf = math.log(1 + n_docs)

    @classmethod
    def load(cls, corpus_dir: Path | str = DEFAULT_CORPUS_DIR, index_dir: Path | str = DEFAULT_INDEX_DIR,
             embedder: str = DEFAULT_EMBEDDER, config: AnswerConfig | None = None, llm=None) -> "Assistant":
        """Load corpus, index and embedder from disk (refusing a stale index)."""
        corpus = load_corpus(corpus_dir)
        emb: Embedder = get_embedder(embedder)
        index = load_index(index_dir, corpus, emb.id)
        config = config or AnswerConfig()
        return cls(corpus, Retriever(index, emb, config.retrieval), config, llm)

    # ---- public -------------------------------------------------------------------------
    def ask(self, question: str, history: list[Answer] | None = None) -> Answer:
        """Answer one question; ``history`` (earlier answers, oldest first) resolves follow-ups."""
        started = time.perf_counter()
        text = clean_question(question)
        query = normalize_query(text)
        previous = next((a for a in reversed(history or []) if not a.abstained and a.citations), None)
        context = previous if previous and is_followup(query) else None
        search_query = f"{context.question} {query}" if context else query
        hits = self.retriever.search(search_query, k=10)
        route = detect_route(query, self.known_ministries, bool(find_references(query)))
        answer = self._compose(query, search_query, route, hits, context)
        if self.llm is not None and not answer.abstained and route.name == "general":
            answer = self._with_llm(text, answer)
        latency = (time.perf_counter() - started) * 1000
        return Answer(answer.answer, answer.abstained, answer.citations, tuple(hits), latency,
                      answer.route, text)

    def section_text(self, section_id: str) -> tuple[str, str]:
        """(label, full text) of a place, for readers of a citation."""
        return self.corpus[section_id].label, self.corpus.full_text(section_id)

    # ---- routes -------------------------------------------------------------------------
    def _compose(self, query: str, search_query: str, route: Route, hits: list[Hit],
                 context: Answer | None) -> Answer:
        if route.name == "ministry_list":
            return self._ministry_list(route)
        if route.name == "ministry":
            measure = self._target_measure(query, hits, context)
            if measure is not None:
                return self._ministry_answer(query, measure)
        if route.name == "penalty" and self._unknown_share(_PENALTY_WORDS.sub("", query)) < 1.0:
            return self._penalty_answer()
        if self._out_of_scope(search_query, hits):
            return self._abstain(hits)
        return self._extract(search_query, hits, route)

    def _target_measure(self, query: str, hits: list[Hit], context: Answer | None) -> Measure | None:
        refs = [r for r in find_references(query) if r in self.measures]
        if refs:
            return self.measures[refs[0]]
        for measure in self.table:  # a sector or project named in the question
            if any(s.sector and s.sector in query for s in measure.sectors):
                return measure
        if context is not None:
            for cit in context.citations:
                if cit.id in self.measures:
                    return self.measures[cit.id]
        for hit in hits[:5]:
            for cid in hit.chunk.ids:
                if cid in self.measures:
                    return self.measures[cid]
        return None

    def _ministry_answer(self, query: str, measure: Measure) -> Answer:
        cite = Citation(measure.id, measure.label, self.corpus.full_text(measure.id))
        tag = f"[{measure.label}]"
        sector = next((s for s in measure.sectors if s.sector and s.sector in query), None)
        if sector is not None:
            names = "、".join(display_name(n) for n in sector.ministries)
            text = f"「{measure.text}」のうち{sector.sector}の担当は{names}です。{tag}"
            if measure.lead:
                text += f"\nこの施策全体の主担当(◎)は{'、'.join(display_name(n) for n in measure.lead)}です。{tag}"
            return Answer(text, False, (cite,), (), 0.0, "ministry")
        others = [display_name(n) for n in measure.ministries if n not in measure.lead]
        if measure.lead:
            text = f"「{measure.text}」の主担当(◎)は{'、'.join(display_name(n) for n in measure.lead)}です。{tag}"
            if others:
                text += f"\nほかに{'、'.join(others)}が担当します。{tag}"
        else:
            text = f"「{measure.text}」の担当は{'、'.join(others)}です(◎による主担当の指定はありません)。{tag}"
        return Answer(text, False, (cite,), (), 0.0, "ministry")

    def _ministry_list(self, route: Route) -> Answer:
        lines, cites = [], []
        for name in route.ministries:
            leads = [m for m in self.table if name in m.lead]
            involved = [m for m in self.table if name in m.ministries and name not in m.lead]
            chosen = leads if route.lead_only else leads + involved
            head = (f"{display_name(name)}が主担当(◎)の施策は{len(leads)}件です。" if route.lead_only else
                    f"{display_name(name)}が担当する施策は{len(chosen)}件(うち主担当◎は{len(leads)}件)です。")
            lines.append(head if chosen else f"{display_name(name)}が{'主担当(◎)の' if route.lead_only else '担当する'}"
                         "施策は骨子にありません。")
            for m in chosen:
                mark = "◎" if m in leads else ""
                lines.append(f"・{mark}{m.text}[{m.label}]")
                cites.append(Citation(m.id, m.label, self.corpus.full_text(m.id)))
        # the count sentence is backed by the cited measures listed under it
        return Answer("\n".join(lines), False, tuple(cites), (), 0.0, "ministry_list")

    def _penalty_answer(self) -> Answer:
        title, art16 = self.corpus["ai_act:title"], self.corpus["ai_act:16.1"]
        text = (f"AI法には罰則の規定はありません。法律の構成は総則・基本的施策・人工知能基本計画・人工知能戦略本部と附則で、"
                f"罰則の章はありません。[{title.label}]\n"
                f"国は調査研究の結果に基づき「研究開発機関、活用事業者その他の者に対する指導、助言、情報の提供その他の必要な措置を講ずる」"
                f"とされています。[{art16.label}]")
        cites = (Citation(title.id, title.label, self.corpus.full_text(title.id)),
                 Citation(art16.id, art16.label, art16.text))
        return Answer(text, False, cites, (), 0.0, "penalty")

    # ---- extractive composer ------------------------------------------------------------
    def _coverage(self, query_tokens: list[str], sentence: str) -> float:
        sent = set(self.tokenize(sentence))
        weights = {t: self._idf.get(t, self._max_idf) for t in set(query_tokens) if t not in _GENERIC}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in sent) / total if total else 0.0

    def _extract(self, query: str, hits: list[Hit], route: Route) -> Answer:
        index, cfg = self.retriever.index, self.config
        qvec = self.retriever.embedder.query(query)
        qtok = self.tokenize(query)
        defining = re.search(r"とは|定義|意味|って何|ってなに|とは何", query)
        scored: list[tuple[float, Unit, str]] = []
        positions = {id(c): i for i, c in enumerate(index.chunks)}
        for rank, hit in enumerate(hits[:cfg.candidate_chunks]):
            start = index.sentence_start[positions[id(hit.chunk)]]
            for j, (unit, sent) in enumerate(hit.chunk.sentences()):
                dense = float(index.sentence_vectors[start + j] @ qvec)
                score = dense + 0.15 * self._coverage(qtok, sent) + 0.02 / (rank + 1)
                if hit.referenced:
                    score += 0.05
                if defining and re.search(r"「[^」]+」とは|以下「[^」]+」という", sent):
                    score += 0.05 * self._coverage(qtok, sent)
                scored.append((score, unit, sent))
        scored.sort(key=lambda x: -x[0])
        chosen: list[tuple[float, Unit, str]] = []
        for score, unit, sent in scored:
            if len(chosen) >= cfg.max_sentences or score < scored[0][0] - 0.03:
                break
            if any(self._overlap(sent, s) > 0.6 for _, _, s in chosen):
                continue
            chosen.append((score, unit, sent))
        lines = [f"{_strip_marker(sent)}[{unit.label}]" for _, unit, sent in chosen]
        cites = tuple({u.id: Citation(u.id, u.label, self._place_text(u)) for _, u, _ in chosen}.values())
        return Answer("\n".join(lines), False, cites, (), 0.0, route.name)

    def _overlap(self, a: str, b: str) -> float:
        ta, tb = set(self.tokenize(a)), set(self.tokenize(b))
        return len(ta & tb) / max(1, min(len(ta), len(tb)))

    def _place_text(self, unit: Unit) -> str:
        return self.corpus.full_text(unit.id) if unit.id in self.corpus else unit.text

    # ---- abstention ---------------------------------------------------------------------
    def _unknown_share(self, query: str) -> float:
        """Share of the question's content nouns that never occur in the corpus."""
        nouns = []
        for word in self._tagger(query):
            if word.feature.pos1 == "名詞" or (word.surface.isascii() and word.surface.isalpha()):
                lemma = word.feature.lemma
                token = (lemma.split("-")[0] if lemma and lemma != "*" else word.surface).lower()
                if token not in _GENERIC and len(token) > 0:
                    nouns.append(token)
        return sum(t not in self._vocab for t in nouns) / len(nouns) if nouns else 0.0

    def _best_similarity(self, query: str, hits: list[Hit]) -> float:
        """Highest cosine between the question and any sentence of the top hits."""
        index = self.retriever.index
        qvec = self.retriever.embedder.query(query)
        positions = {id(c): i for i, c in enumerate(index.chunks)}
        best = -1.0
        for hit in hits[:self.config.candidate_chunks]:
            start = index.sentence_start[positions[id(hit.chunk)]]
            rows = index.sentence_vectors[start:start + len(hit.chunk.sentences())]
            best = max(best, float((rows @ qvec).max()))
        return best

    def _out_of_scope(self, query: str, hits: list[Hit]) -> bool:
        if not hits:
            return True
        if any(h.referenced for h in hits):
            return False
        return (self._best_similarity(query, hits) < self.config.min_confidence
                or self._unknown_share(query) >= self.config.unknown_share)

    def _abstain(self, hits: list[Hit]) -> Answer:
        near = "、".join(dict.fromkeys(f"[{h.chunk.label}]" for h in hits[:2]))
        text = ("ご質問の内容は、AI基本計画(骨子)とAI法の中には書かれていないため、お答えできません。"
                + (f"\n近い話題は次の箇所にあります: {near}" if near else ""))
        return Answer(text, True, (), (), 0.0, "abstain")

    # ---- optional LLM -------------------------------------------------------------------
    def _with_llm(self, question: str, extractive: Answer) -> Answer:
        from .llm import generate_grounded

        try:
            return generate_grounded(self.llm, question, self.retriever.search(question, k=5), self.corpus,
                                     fallback=extractive)
        except LLMError:
            return extractive
