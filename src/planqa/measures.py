"""Which plan measure a ministry question is about: by reference, follow-up, sector or best match."""

from __future__ import annotations

import re

from .corpus import id_matches
from .ministries import SHORT_NAMES, Measure
from .normalize import find_references, without_added_terms
from .plan import EXAMPLES_HEADING
from .results import Answer
from .retrieve import Retriever
from .routes import Route
from .scope import GENERIC
from .terms import FUNCTION_NOUNS, TermWeights

__all__ = ["MeasureFinder", "MINISTRY_WORDS", "LIST_WORDS"]

# words that ask who is responsible, and the fillers of list questions: neither names a subject
MINISTRY_WORDS = re.compile(r"(?:主)?(?:担当|所管)(?:府省庁|府省)?|どこの(?:役所)|どこ|どの(?:府省庁|組織)|府省庁|省庁")
LIST_WORDS = frozenset({"施策", "取り組み", "全部", "全て", "一覧", "関わる", "関与", "携わる", "担う", "関係", "他",
                        "リード", "主導", "単独", "両方", "役割", "教える", "リスト", "件", "確認", "骨子", "計画",
                        "中", "中心", "省庁", "主", "一緒", "共", "共同", "関連"})


_QUOTE = re.compile(r"「([^「」]{4,})」")
_ENUMERATION = re.compile(r"[、,]|や")  # 「AI人材の育成やリスキリング、…」: the items of an enumerated subject
_PLACE_WEIGHT = 0.5  # × the bank-fitted place classifier's probability of a measure: where the bank's questions put the ask
_NEAR_TOP = 2 / 3  # a measure in the top five counts for a where-ask only with this share of the top hit's score


class MeasureFinder:
    """Finds the measures of the ministry table a question names."""

    def __init__(self, table: list[Measure], retriever: Retriever, terms: TermWeights) -> None:
        self.table = table
        self.by_id = {m.id: m for m in table}
        self.retriever = retriever
        self.terms = terms
        self.chunks = {c.ids[0]: c for c in retriever.index.chunks if c.ids[0] in self.by_id}
        self._short_name_words = set(terms.tokenize(" ".join(SHORT_NAMES)))  # never a subject
        plans = [name for name, doc in retriever.names.names if doc in retriever.names.plans]
        self._frame_words = set(terms.tokenize(" ".join(plans) + EXAMPLES_HEADING))  # 「骨子(案)の具体的な取組例」

    def target(self, query: str, context: Answer | None, said: frozenset[str] = frozenset(),
               bank: bool = True) -> Measure | None:
        """The measure a 'who is responsible' question is about; ``said``: the places an earlier ask of the same
        message was answered from, when this ask leans on it (「一、AI法は…調査研究を…。二、この規定を踏まえた取組は」);
        ``bank``: the best match leans on where the bank's questions put the ask (``_PLACE_WEIGHT``), which a
        subject stripped of its ministry words (``Assistant._subject_measure``) is not worded like."""
        refs = find_references(query, self.retriever.names)
        if any(r in self.by_id for r in refs):
            return self.by_id[next(r for r in refs if r in self.by_id)]
        for ref in refs:  # 「AI法第16条に基づく取組」: the measure that cites the article
            if (citing := self._citing(ref)) is not None:
                return citing
        if not refs and len(found := {m for sid in said if (m := self._citing(sid)) is not None}) == 1:
            return found.pop()  # the one measure citing the article the earlier ask was answered from
        within = {mid for mid in self.by_id if any(id_matches(mid, r) for r in refs)}  # 「第3章第4節(4)の…」
        if quoted := self.quoted(query, within):
            return quoted[0]
        if context is not None and not within:
            for cit in context.citations:
                if cit.id in self.by_id:
                    return self.by_id[cit.id]
        # Otherwise the measure whose text best matches the subject; a sector or project the question
        # names (「金融の担当」) counts for its measure, but a measure quoted in full still wins.
        topic = MINISTRY_WORDS.sub(" ", without_added_terms(query)).strip() or query
        qvec = self.retriever.embedder.query(topic)
        qtok = [t for t in self.terms.tokenize(topic + " " + query[len(without_added_terms(query)):])
                if t not in LIST_WORDS]  # the question's words and the documents' terms they map to
        index = self.retriever.index
        ranked = [hit for hit in self.retriever.search(topic, k=len(index.chunks))
                  if not within or hit.chunk.ids[0] in within][:20]
        candidates = {cid: rank for rank, hit in enumerate(ranked) for cid in hit.chunk.ids[:1] if cid in self.by_id}
        named = {m.id for m in self.table if any(s.named_in(query) for s in m.sectors)
                 and (not within or m.id in within)}
        near = [hit for hit in ranked[:5] if hit.score >= _NEAR_TOP * ranked[0].score]  # the hits close to the top
        if not within and not named and not any(hit.chunk.ids[0] in self.by_id for hit in near) \
                and not ranked[0].chunk.ids[0].startswith("plan:3") and self._has_subject(topic):
            return None  # the subject is an article or a chapter, not a measure (「本部の事務はどこが処理」)
        shares = index.place_shares(self.retriever.embedder.query(query)) if bank else {}
        best, best_score = None, -1.0
        for mid in list(candidates) + sorted(named - candidates.keys()):
            chunk = self.chunks[mid]
            score = float(index.sentence_rows(chunk)[0] @ qvec) + 0.5 * self.terms.coverage(qtok, chunk.text)
            score += 0.01 / (candidates[mid] + 1) if mid in candidates else 0.0
            score += 0.1 if mid in named else 0.0  # a sector named: less than another measure covering more words
            score += _PLACE_WEIGHT * shares.get(chunk.key, 0.0)
            if score > best_score:
                best, best_score = self.by_id[mid], score
        return self.original(best) if best is not None else None

    def _citing(self, place: str) -> Measure | None:
        """The one measure whose text cites this article of a law (AI法第16条に基づく…), or None."""
        if (m := re.fullmatch(r"(\w+):(\d+)(?:\.\d+)*", place)) and m.group(1) in self.retriever.names.laws:
            citing = [x for x in self.table if f"第{m.group(2)}条" in x.text]
            return citing[0] if len(citing) == 1 else None
        return None

    def names_a_measure(self, query: str) -> bool:
        """The ask names a subject of its own beside the ministry words (``_has_subject``)."""
        return self._has_subject(self._beside_ministry_words(query))

    def _has_subject(self, topic: str) -> bool:
        """The ask names a subject of its own: two words the documents use, beside the list and ministry words
        (「本部の事務はどこが処理」 does; 「ほかにどこが関わっているか」 leans on the ask before)."""
        return len(self._subject_words(topic)) >= 2

    def names_nothing(self, query: str) -> bool:
        """The ask names no word the documents use beside the ministry and list words (「どこの役所がやってるの？」)."""
        return not self._subject_words(self._beside_ministry_words(query))

    @staticmethod
    def _beside_ministry_words(query: str) -> str:
        """The asker's words with the ministry words (担当, どこが …) taken out."""
        return MINISTRY_WORDS.sub(" ", without_added_terms(query)).strip()

    def _subject_words(self, topic: str) -> list[str]:
        """The words of the text the documents use, list and ministry words and generic nouns aside."""
        return [t for t in self.terms.tokenize(topic) if t in self.terms.idf and t not in LIST_WORDS
                and t not in GENERIC and t not in FUNCTION_NOUNS]

    def quoted(self, query: str, within: set[str] | None = None) -> list[Measure]:
        """Measures the question quotes by their text (「AI時代の働き方の検討」と「…」), in the order quoted: a quote
        of at least half a measure's text, held by that measure alone among the places the question names."""
        found = []
        for quote in _QUOTE.findall(query):
            holders = [m for m in self.table if not m.repeated and (not within or m.id in within)
                       and quote in (text := m.text.split("【")[0]) and 2 * len(quote) >= len(text)]
            if len(holders) == 1 and holders[0] not in found:
                found.append(holders[0])
        return found

    def original(self, measure: Measure) -> Measure:
        """A measure marked 【再掲】 stands for its first appearance (same wording, earlier section)."""
        if not measure.repeated:
            return measure
        name = measure.text.split("【")[0]
        return next((m for m in self.table if not m.repeated and m.text.split("【")[0] == name), measure)

    def sharing_rare_words(self, query: str, measure: Measure, limit: int = 2) -> list[Measure]:
        """Other measures that hold every question word the chosen one holds, a rare one among them
        (「マルチモーダル」 names two measures equally)."""
        words = self.terms.words
        shared = {t for t in self.terms.tokenize(without_added_terms(query))
                  if t in words(self.chunks[measure.id].text) and t not in GENERIC and t not in LIST_WORDS
                  and t in self.terms.idf}
        if not any(self.terms.idf[t] >= self.terms.rare_idf for t in shared):
            return []
        return [m for m in self.table if m.id != measure.id and shared <= words(self.chunks[m.id].text)][:limit]

    def siblings_asked(self, query: str, measure: Measure) -> list[Measure]:
        """Measures of the same group each named by a rare word of a question asking about several (「防衛及び警察
        の分野で…それぞれどの府省庁が」): the sibling holding a rare question word the chosen measure lacks."""
        if "それぞれ" not in query:
            return []
        group, words = measure.id.rsplit(".", 1)[0], self.terms.words
        asked = {t for t in self.terms.tokenize(without_added_terms(query))
                 if self.terms.idf.get(t, 0.0) >= self.terms.rare_idf and t not in GENERIC}
        found = []
        for word in sorted(asked - words(self.chunks[measure.id].text)):
            holders = [m for m in self.table if m.id.startswith(group + ".") and m.id != measure.id
                       and word in words(self.chunks[m.id].text)]
            if len(holders) == 1 and holders[0] not in found:
                found.append(holders[0])
        return found

    def also_asked(self, query: str, measure: Measure) -> list[Measure]:
        """Other measures the question names besides the chosen one (「AとBについて、それぞれ担当を」): each holds
        at least three of the question's words the chosen one lacks, and at least half of them."""
        words = self.terms.words
        asked = {t for t in self.terms.tokenize(MINISTRY_WORDS.sub(" ", without_added_terms(query)))
                 if t in self.terms.idf and t not in GENERIC and t not in LIST_WORDS}
        left = asked - words(self.chunks[measure.id].text)
        if len(left) < 3:
            return []
        n, best = max(((len(left & words(self.chunks[m.id].text)), m) for m in self.table if m.id != measure.id),
                      key=lambda pair: pair[0], default=(0, None))
        return [best] if n >= 3 and 2 * n >= len(left) else []

    def topic(self, query: str, route: Route) -> set[str] | None:
        """Measures matching the subject a ministry-list question names besides the ministry, if any:
        in the asker's words, else in the documents' terms they map to (ちっちゃい工場 → 中小企業)."""
        bare = without_added_terms(query)
        return self._covering(MINISTRY_WORDS.sub(" ", bare), route) \
            or self._covering(MINISTRY_WORDS.sub(" ", bare) + " " + query[len(bare):], route)

    def list_scope(self, query: str, route: Route, topic: set[str] | None) -> set[str] | None:
        """The measures a ministry list is drawn from: the subject's (when the ministry takes part in
        them), within the plan places the question names (「第3章第4節の中から」); None for all."""
        if topic and not any(self.by_id[mid].involves(n) for mid in topic for n in route.ministries):
            topic = None  # the subject matched measures the ministry has no part in: list them all
        places = [r for r in find_references(query, self.retriever.names) if r.startswith("plan:3")]
        if places:
            inside = {m.id for m in self.table if any(id_matches(m.id, p) for p in places)}
            topic = inside if topic is None else (topic & inside) or inside
        return topic

    def _best_covered(self, words: set[str], least: int = 1) -> set[str]:
        """The measures covering most of the words, when the best covers at least half of them (and at least
        ``least`` of them, or a rare one)."""
        cover = {m.id: self.terms.coverage(list(words), m.text) for m in self.table}
        best = max(cover.values())
        found = {mid for mid, c in cover.items() if c >= best - 1e-9} if best >= 0.5 else set()
        held = words & self.terms.words(self.by_id[min(found)].text) if found else set()  # ties hold as many
        if len(held) < least and not any(self.terms.idf[t] >= self.terms.rare_idf for t in held):
            return set()
        return found

    def _covering(self, text: str, route: Route) -> set[str] | None:
        """Measures matching the subject words of the text: those covering the most of them (at least half), else
        the union of each enumerated item's best (「AやBの施策」), else the one or two holding a rare word."""
        tokenize = self.terms.tokenize
        for name in route.ministries:
            text = text.replace(name, " ")
        words = {t for t in tokenize(text) if t not in GENERIC and t not in LIST_WORDS and t in self.terms.idf}
        words -= {t for n in route.ministries for t in tokenize(n)} | self._short_name_words | self._frame_words
        if not words:
            return None
        if found := self._best_covered(words):
            return found
        parts = [words & set(tokenize(part)) for part in _ENUMERATION.split(text)]
        if len([p for p in parts if p]) > 1 \
                and (found := set().union(*(self._best_covered(p, least=2) for p in parts if p))):  # 「AやBの施策」
            return found
        rare = {t for t in words if self.terms.idf[t] >= self.terms.rare_idf}  # 「富岳」 names its measure alone
        holders = {m.id for m in self.table if rare & self.terms.words(m.text)}
        return holders if 0 < len(holders) <= 2 else None
