"""Grounded answers: routes by question type, an extractive composer, abstention, optional LLM.

Every sentence of an answer is quoted from the documents and followed by its citation label
(``…を推進。[骨子 第3章第1節(3)①]``); when the documents do not answer, the assistant says so.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

import numpy as np

from .asks import is_quiz_item, without_where_to_look
from .chunk import Chunk, Unit, split_sentences
from .corpus import DEFAULT_CORPUS_DIR, Corpus, Document, id_matches, load_corpus
from .embed import DEFAULT_EMBEDDER, Embedder, get_embedder
from .errors import InvalidQuestionError, LLMError
from .index import DEFAULT_INDEX_DIR, TOKEN_FORM, index_packs, load_index
from .kana import KanaReader
from .llm import generate_grounded
from .measures import MeasureFinder
from .ministries import Measure, ministry_table
from .names import DocumentNames
from .normalize import find_references, with_added_terms, without_added_terms
from .query import MAX_QUESTION_CHARS, Ask, Query, QueryReader, clean_question
from .quiz import Option, named_absent, option_first_stated, option_found_once, pick_option, states, stating
from .results import Answer, Citation, Line, plain
from .retrieve import Hit, RetrievalConfig, Retriever
from .routes import Route, is_followup, without_ministries
from .scope import GENERIC as _GENERIC
from .scope import Scope, asked, asks_for_amount_or_date, value_present, without_background
from .structured import StructuredAnswers, strip_marker
from .terms import FUNCTION_NOUNS, TermWeights
from .text import arabic_numerals, normalize, tokenizer
from .vocab import Vocabulary, read_vocabulary

_log = logging.getLogger("planqa")

__all__ = ["Citation", "Answer", "Assistant", "AnswerConfig", "status_note", "MAX_QUESTION_CHARS", "clean_question"]

NOT_JAPANESE = "日本語でご質問ください。このアシスタントは、{}について日本語の質問にお答えします。(Please ask your question in Japanese.)"
_CLAIM = re.compile(r"^.{2,}[はが].{2,}")  # an option that says something of something (「富岳NEXTの開発は経産省が担当」)
_STATEMENT = re.compile(r"(?:る|た|ない|いる|される|られる|である|です|ます)[。.]?$")  # an option that states something
_BARE_WORD = 2  # a line this short is no sentence to quote
# an editor's note, wholly bracketed or starred (「(※ 具体的な施策は…)」「【◎は主な府省庁を示す。】」): about the document
_NOTE = re.compile(r"[(（]※[^()（）]*[)）]|※.*|【[^】]*】")
_BESIDE = 4  # a heading at most this many characters from a blank (only 「」( or 」は「 between) sits beside it
_QUOTE = re.compile(r"「[^」]+」|『[^』]+』")  # words quoted from the documents: a place of its own, not the bank's
_BLANK_SLOT = re.compile(r"[(（][\s　_＿]*[)）]")  # 「（　　）」: the slot of a fill-in-the-blank item
_AGREED_WITHIN = 3  # an ask's own words agree with the whole ask on a place among its best this many
_QUOTED_TERM = re.compile(r"「([^」]{2,20})」")  # a term the ask quotes (not a quoted heading: longer)
_SHORT_FOLLOW_UP = 20  # 「なにするとこ？」 restates its ask; a longer one (「これらの者以外には？」) asks more
_PREAMBLE = 10  # characters besides its asks from which a message has a preamble or story of its own
_CONTINUATION = ("ただし", "この場合", "その際", "前項")
_LISTS_ITEMS = ("次に掲げる事項について定めるものとする。", "次に掲げる事務をつかさどる。")
_ALL_OF_IT = re.compile(r"すべて|全て")
# 「国の計画では」「AI法には」「骨子で」: where to look, not what to find (the document weight covers it)
_SCOPE_PHRASE = re.compile(r"(?:国の|政府の)?(?:AI|人工知能)?(?:基本)?(?:計画|法律|法|骨子)(?:の骨子)?(?:\(案\)|案)?"
                           r"(?:では|には|だと|の中で|によると|において)")
_COMPARING = re.compile(r"とで|比べ|比較|違|異な|差|同じ")  # 「事業者と国民とで違いは」
_TOPIC = re.compile(r"^(?:\d+\s+)?(?:[^。]*以下「([^」]+)」という。\)|([^、。「」()\s]{1,12}))は、")  # 「国民は、」
_DEFINING = re.compile(r"とは|意味|って何|ってなに|なにそれ|どういうもの|どんなもの|てなん")
# a sentence defining a term: 「…(以下「本部長」という。)」, 「AI for Science」とは, 「データセット(…をいう。)」
_DEFINITION = re.compile(r"「([^」]{2,20})」(?:とは|という)|([一-龥ァ-ヶーA-Za-z・]{2,20})[(（][^)）]{0,300}?をいう")
_HEADING_NUMBER = re.compile(r"^(?:\(\d+\)|第\d+節|\d+\.)\s*")  # 「(1) 」「第1節 」「1. 」 before a heading's words
_TERM = re.compile(r"「([^」]{2,20})」|([A-Za-z0-9ァ-ヶー一-龥・]{2,20})(?=とは|って)")
_WHOLE = re.compile(_ALL_OF_IT.pattern + r"|内容|挙げ|正しい")  # with a quoted heading: all of it
_OWN_TOPIC = re.compile(r"(?!それ|その|これ|この|そこ|担当|主担当|所管)[ァ-ヶーA-Za-z一-龥・]{4,}の担当")
_EARLIER_PARAGRAPHS = re.compile(r"前(二|三|)項の規定は")
_PROCEDURE = re.compile(r"手続")
_EACH_OF = re.compile(r"それぞれ")  # a named list asked item by item
_ONE_OF = re.compile(r"のうち[^。？?]{0,30}(?:どれ|どの)")  # 「方針のうち、雇用に関わるものはどれ」: one item of a list
OPINION_FRAME = "文書には次の記述があります。政府の見解や評価そのものは書かれていません。"
_UNCLEAR = Answer((Line("どの施策についてのご質問か分かりませんでした。施策の名前や内容を入れて、もう一度お尋ねください。"),),
                  True, (), (), 0.0, "abstain")
_ABOUT = re.compile(r"答えよ|何が書|どのような|なにが書|ってなに|定め|規定|どんな|何個|いくつ|並ぶ|教えて|何(?:です|か。|だ)|"
                    r"[何は][?。]?$")
_CHECK_WORDS = re.compile(r"入って|含まれ|絡|主担当|◎|"
                          r"ですよね|(?:なん|なの|なんや|やろ)[?？]?$|"  # 「…が中心なんですよね？」
                          r"が担当する(?:とされ|こととされ)|が担当(?:する|している|です|なの)?(?:か|の)?[。.?？]?$")  # ○× items, yes/no
_LISTING_WORDS = re.compile(r"どれ(?!だけ|くらい|ぐらい|ほど)")
_REFERENCE_TEXT = re.compile(r"(?:附則)?第?\d+(?:章|節|条|項|号)|[①-⑳]|骨子|AI法|人工知能基本計画|基本計画|本法")
_ABOUT_WORDS = frozenset({"書く", "どんな", "含む", "並ぶ", "テーマ", "扱う", "節", "グループ", "施策", "具体", "的",
                          "例", "章題", "名前", "示す", "全体", "次", "内", "物", "選ぶ", "正しい", "箇条", "書き",
                          "説明", "知る"})



@dataclass(frozen=True)
class AnswerConfig:
    """Composer settings; thresholds calibrated on eval/dev.jsonl (see README)."""

    max_sentences: int = 3
    candidate_chunks: int = 5
    coverage_weight: float = 0.15
    place_weight: float = 0.03  # × the bank-fitted place classifier's probability of the sentence's chunk, for an
    # ask that is no legal ask and quotes no words (59 sets: key facts +0.003, precision +0.421; views too, with the
    # lead and briefing margins on scores without it, 60 sets: +0.034 / +0.157 more)
    rank_weight: float = 0.02
    sentence_window: float = 0.02  # a view or a briefing: other sentences within this much of the top join it
    narrow_window: float = 0.01  # any other ask (59 sets: citation precision +0.907, key facts -0.303 against 0.02)
    quoted_places: int = 3  # a term quoted in 「」 that at most this many places use: each of them answers
    quoted_window: float = 0.04  # … when its sentence scores within this much of the top
    document_weight: float = 0.02  # for sentences of the document the question names (AI法 / 骨子)
    max_asks: int = 8  # asks of one message answered; a Diet question rarely has more, a flood has 40
    briefing_lines: int | None = 8  # quoted lines of a message of several asks, in all (issue 12: a briefing of about 8)
    time_budget_s: float | None = None  # no further ask of a message is started after this long (the web app: 3 s)
    log_questions: bool = False  # question text goes to the log only when the operator asks for it
    min_confidence: float = 0.80
    unknown_share: float = 0.5  # from it (with at least two unknown nouns) a question is out of scope
    both_margin: float | None = 0.08  # a question naming both documents: the other's best sentence joins within this
    briefing_margin: float = 0.03  # long or opinion asks: the other document's best sentence joins within this
    # much of the top score (a briefing by document, not one document's quote)
    place_window: float = 0.15  # a quoted place's other sentences within this much of the top join it (at most
    place_extra: int = 4  # this many): the key fact is often the next bullet of the same place, and no citation
    # is added (23 used sets: key facts +0.33 in sum at 0.1 / 2; 40 sets: +0.149 more at 0.15 / 4, none lost; README)
    briefing_share: float = 0.25  # … unless the place classifier puts less than this share of the question on that
    # document (places.py; 50 sets: citation precision +0.136, key facts −0.005 in sum; README "Composer")
    legal_margin: float = 0.08  # a legal-consequence ask: each document's best joins within this much of the top
    # (民法・刑法 pack: related.jsonl citation precision 0.26 → 0.38, key facts unchanged; README)
    negative_margin: float = 0.015  # out of scope when a near-miss negative is this much closer than any bank
    # question (920 negatives); the smallest margin that declines no in-scope question of dev (README)
    familiar_margin: float = 0.01  # words the documents never use decline a question unless the bank places it
    familiar_similarity: float = 0.90  # among answerable ones: this much nearer than any negative, and this near
    long_ask: int = 60  # an ask this long (a story, a preamble) has many words the documents never use: the word
    long_familiar: tuple[float, float] = (0.88, -0.005)  # check trusts the bank at this (nearest, margin) (README "Scope")
    message_share: float = 0.2  # a sentence's similarity to an ask of a longer message: this share is to the message
    bank_link_similarity: float = 0.93  # a bank question this near, nearer by bank_link_margin than any question of
    bank_link_margin: float = 0.004  # another place, whose place is among the top bank_link_hits hits: the
    bank_link_hits: int = 3  # sentences it was written from gain bank_link_bonus (26 used sets: citation precision
    bank_link_bonus: float = 0.02  # +0.01 to +0.05 on 24 of them, key facts level; README "Composer")
    group_margin: float = 0.012  # a group's overview questions this much nearer than any other place's answer with
    # the group's outline (「方針って4つあるらしいけど何と何？」; README "Question bank", overview questions)
    lead_margin: float | None = 0.04  # a view ask answered from a place inside another that has text of its own (a
    # section's lead over its measures) also quotes that place when it scores within this much of the top (52 sets:
    # key facts +0.040, precision −0.020 in sum; 0.07: +0.098 / −0.120; README "Composer"; None: never)
    inner_margin: float | None = 0.12  # an ask answered from such a lead also quotes the best place inside it within
    # this much (53 sets, view asks: key facts +0.192, precision +0.036; then every ask: +0.110 / +0.066; README
    # "Composer")
    subject_margin: float | None = 0.15  # the same subject's other paragraphs beside the first quoted join within this
    # much of the top (67 sets: key facts +0.203, precision −0.158; 0.10 without the guards +0.245 / −0.280; README
    # "Composer"; None: never)
    subject_bonus: float = 0.02  # the sentence that defines the term a question asks about (「本部長には誰が」)
    note_penalty: float = 0.03  # an editor's note (``_NOTE``) loses this much: it answers questions about itself (27
    # used sets: citation precision +0.017 in sum, key facts unchanged; 0.06 lost one; README)
    said_margin: float | None = 0.03  # a later ask whose best place an earlier ask quoted: only places within or beside
    # it, unless another is this close (40 sets: citation precision +0.195 in sum, key facts −0.006; README)
    related_lines: int = 2  # a decline because the quoted answer lacks the number or date asked quotes this many of
    # its lines as related (「AISIの人員を何人に」 → the AISI measure; 91 sets: key facts +0.097, precision +0.002 in sum;
    # every decline doing so: +0.258 / −0.352, 民法・刑法 questions then quoting the plan; 3 or 4 lines: noise; README)
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)


def _heading_forms(title: str) -> list[str]:
    """A heading as questions name it: 「AI利活用の加速的推進(「AIを使う」)」 by its title, or by its motto when quoted;
    「3原則」 also as 「三つの原則」 (a count in kanji, with or without つの)."""
    if m := re.fullmatch(r"(.+?)\(「(.+?)」\)?", title):
        return [m.group(1), f"「{m.group(2)}」", f"『{m.group(2)}』"]
    if m := re.fullmatch(r"(\d)(つの)?(\w{2,})", title):  # 「3原則」 is said 「三つの原則」 too, 「4つの…」 never 「4…」
        joints = ("つの",) if m.group(2) else ("", "つの")
        return list(dict.fromkeys([title] + [f"{n}{joint}{m.group(3)}" for joint in joints
                                             for n in (m.group(1), "〇一二三四五六七八九"[int(m.group(1))])]))
    return [title]


def _in_order(short: str, long: str) -> bool:
    """Every character of ``short`` appears in ``long``, in the same order."""
    rest = iter(long)
    return all(ch in rest for ch in short)


def status_note(doc: Document) -> str:
    """The line that tells readers a quoted document's standing (manifest ``status``), with the official page."""
    return f"※ {doc.label}: {doc.status}" + (f" 公式: {doc.status_url}" if doc.status_url else "")


def _briefed(parts: list[Answer], most: int) -> list[Line]:
    """The lines of several asks' answers, each once and in order, about ``most`` of those quoting a place: each
    answer's first quoted place, then each one's second, and so on, while they fit (a Diet question of five asks got
    22 quoted lines); a provision's items stay with it, and every answer keeps its first."""
    groups = []  # per answer: its quoted lines, a provision and its items together
    for p in parts:
        mine: list[list[Line]] = []
        for line in (line for line in p.lines if line.places):
            if mine and line.places[0][0].startswith(mine[-1][0].places[0][0] + "."):
                mine[-1].append(line)
            else:
                mine.append([line])
        groups.append(mine)
    kept: set[Line] = set()
    for depth in range(max(map(len, groups), default=0)):
        for mine in groups:
            if depth < len(mine) and (depth == 0 or len(kept) + len(mine[depth]) <= most):
                kept.update(mine[depth])
    return list(dict.fromkeys(line for p in parts for line in p.lines if not line.places or line in kept))


def _join(asks: list[str], parts: list[Answer], headed: bool = False, most: int | None = None) -> Answer:
    """One answer from the answers to each ask: lines and citations in order, each once, at most ``most`` lines
    quoting a place (``_briefed``; citations of places no line kept quotes go too) (``headed``: each answer under its
    ask, for true/false statements)."""
    answered = [(ask, p) for ask, p in zip(asks, parts) if not p.abstained]
    if not answered:
        return _declined_together(parts)
    if headed:
        lines = [line for ask, p in answered for line in (Line(f"【{ask[:40]}】"), *p.lines)]
    else:
        lines = _briefed([p for _, p in answered], most) if most else \
            list(dict.fromkeys(line for _, p in answered for line in p.lines))
        framed = [line for line in lines if line.text == OPINION_FRAME]  # a view ask's frame heads the whole answer
        lines = framed + [line for line in lines if line.text != OPINION_FRAME]
    declined = [Line(f"ご質問のうち「{own[:40]}」については、文書に記載がありません。")
                for ask, p in zip(asks, parts) if p.abstained and p.route != "language"
                and (own := _own_part(ask, [a for a, _ in answered]))]
    lines += dict.fromkeys(declined)  # an ask extending a declined one may read the same (its first 40): once
    citations = tuple({c.id: c for _, p in answered for c in p.citations}.values())
    if most and not headed:
        shown = {place for line in lines for place, _ in line.places}
        citations = tuple(c for c in citations if c.id in shown)
    retrieved, seen = [], set()
    for rank in range(max(len(p.retrieved) for p in parts)):  # interleave the asks' rankings
        for p in parts:
            if rank < len(p.retrieved) and p.retrieved[rank].chunk.key not in seen:
                seen.add(p.retrieved[rank].chunk.key)
                retrieved.append(p.retrieved[rank])
    return Answer(tuple(lines), False, citations, tuple(retrieved[:10]), 0.0, answered[0][1].route, "")


def _declined_together(parts: list[Answer]) -> Answer:
    """Every ask declined: one decline, with the related lines each of them quotes (``_abstain``), each once; the
    first ask's ranking."""
    related = [p for p in parts if p.citations]
    if not related:
        return parts[0]
    lines = list(dict.fromkeys(line for p in related for line in p.lines))
    citations = tuple({c.id: c for p in related for c in p.citations}.values())
    return replace(related[0], lines=tuple(lines), citations=citations, retrieved=parts[0].retrieved)


def _beyond_asks(message: str, asks: list[str]) -> bool:
    """The (normalised) message says more than its asks as read (a preamble, a story, a clause before 「…が、」): its
    own ranking is then worth hearing."""
    rest = message
    for ask in sorted(asks, key=len, reverse=True):  # a later ask may repeat the first (「…は？ あと、…は？」)
        for part in ask.rstrip("？?").split(" "):
            rest = rest.replace(part, " ")
    return sum(ch.isalnum() for ch in rest) >= _PREAMBLE  # letters, kana and kanji: no spaces or punctuation


def _own_part(ask: str, answered: list[str]) -> str:
    """What a declined ask says that no answered ask covers: all of it when it leans on none; when it extends an
    answered one, its addition if that asks for an amount or a date (「…を掲げているのか。 その金額は」), which was not
    found, else nothing; when an answered one extends it, all of it if it asks for an amount or a date."""
    leaned = next((a for a in answered if a in ask or ask in a), None)
    if leaned is None:
        return ask
    own = ask.replace(leaned, "", 1).strip()
    return own if own and asks_for_amount_or_date(own) else ""


def _near_place(place: str, other: str) -> bool:
    """``place`` lies within ``other`` or beside it (another paragraph of the same article, a sibling measure)."""
    return id_matches(place, other) or _parent(place) is not None and _parent(place) == _parent(other)


def _parent(place: str) -> str | None:
    """The place that holds ``place`` (plan:3.1.2 for plan:3.1.2.3; None for a document's top level)."""
    return place.rsplit(".", 1)[0] if "." in place else None


def _between(outer: str, inner: str) -> list[str]:
    """The places strictly between ``outer`` and ``inner`` inside it (plan:3.1, plan:3.1.2.3 → [plan:3.1.2])."""
    parts = inner.split(".")
    return [".".join(parts[:n]) for n in range(outer.count(".") + 2, len(parts))]


def _enumerated(text: str, ask: str) -> bool:
    """The ask follows 「また、」「二、」「第二に、」 in the message: an item of its own, asking for another place
    (「…主任の大臣は誰か。また、本部に関する事務はどこで処理されるか。」)."""
    ask = ask.strip()
    if re.match(r"[そこあ]の", ask):
        return False  # 「また、そのうち…を何というか」 asks inside the same place
    marker = r"(?:また|[二三四五六七八九]|第[二三四五]に)、?\s*"
    return bool(ask) and re.search(marker + re.escape(ask[:8]), text) is not None


def _topic(sent: str) -> str | None:
    """Who a provision is about when it opens with them (「国民は、」; a defined term: 「…(以下「活用事業者」という。)は、」)."""
    m = _TOPIC.match(sent)
    return (m.group(1) or m.group(2)) if m else None


def _defined_terms(text: str) -> set[str]:
    """The terms ``text`` defines (``_DEFINITION``)."""
    return {m.group(1) or m.group(2) for m in _DEFINITION.finditer(text)}


def _about_subject(subject: str, sentences: list[tuple[Unit, str]]) -> set[str]:
    """The places that say what a defined term is: where it is defined, or the next paragraph when the definition
    names it for that one only (「本部に、人工知能戦略本部員(次項において「本部員」という。)を置く。」→ 第24条第2項)."""
    places = set()
    for unit, sent in sentences:
        if f"「{subject}」という" in sent:
            head, _, number = unit.id.rpartition(".")
            onward = f"次項において「{subject}」" in sent and number.isdigit()
            places.add(f"{head}.{int(number) + 1}" if onward else unit.id)
    return places


def _compared(words: list[str]) -> set[str]:
    """The nouns a comparison sets side by side: each word before 「と」 (「事業者と国民とで」; 「国民の場合と」)."""
    parties = set()
    for i, word in enumerate(words[:-1]):
        if words[i + 1] == "と":
            parties.add(words[i - 2] if word == "場合" and i >= 2 and words[i - 1] == "の" else word)
    return parties


def _bare(sent: str) -> str:
    """A sentence without its 【…】 notes: a measure re-listed with 【再掲】 is the same sentence."""
    return re.sub(r"【[^】]*】", "", sent).strip()


def _mentions_both_documents(query: str, names: DocumentNames) -> bool:
    """The question names (or speaks in the terms of) a law and the plan: quote each."""
    query = without_added_terms(query)
    act = names.law(query) or re.search(r"第\d+条|法律", query)
    plan = names.plan(query) or re.search(r"第\d+章|施策|取組", query)
    return bool(act and plan)


@dataclass(frozen=True)
class Turn:
    """What a route handler sees besides the ask: the text retrieval used, its hits, the earlier answer a
    follow-up leans on, and the places an earlier ask of the same message already quoted."""

    search_query: str
    hits: list[Hit]
    context: Answer | None = None
    said: frozenset[str] = frozenset()
    documents: frozenset[str] | None = None  # the documents the asker restricted the question to (None: all)
    own_words: str = ""  # what the ask adds to the first ask it extends (「…事業者の責務は。 国民の責務は」)
    scope_query: str = ""  # what the scope checks read when retrieval also heard the ask's background (Ask.background)
    quiz: bool = False  # the stem or an option of a quiz item: a structural answer points to one place, not all
    message: str = ""  # the whole message, normalised, when it says more than its asks (``_beyond_asks``)

    def allows(self, *doc_ids: str) -> bool:
        """Any of these documents may be quoted."""
        return self.documents is None or any(d in self.documents for d in doc_ids)


class Assistant:
    """Answers questions about the corpus. Load once, ask many times."""

    def __init__(self, corpus: Corpus, retriever: Retriever, config: AnswerConfig | None = None,
                 llm=None) -> None:
        self.corpus = corpus
        self.retriever = retriever
        self.config = config or AnswerConfig()
        self.llm = llm
        self._lock = threading.Lock()
        self.table: list[Measure] = ministry_table(corpus)
        self.structured = StructuredAnswers(corpus, self.table)
        self.known_ministries = {n for m in self.table for n in m.ministries} | \
            {n for m in self.table for s in m.sectors for n in s.ministries}
        self.tokenize = tokenizer(TOKEN_FORM)
        self._words = tokenizer("surface", content_only=False)  # every word as written (the parties compared)
        self.terms = TermWeights(retriever.index, self.tokenize)
        self.finder = MeasureFinder(self.table, retriever, self.terms)
        self._headings = [(sec.id, t) for sec in corpus if sec.kind in ("group", "section", "subheading", "policy")
                          if len(t := re.sub(r"^\(|\)$", "", _HEADING_NUMBER.sub("", sec.title))) >= 6]
        self._headings += [(sid, m.group(0)) for sid, t in self._headings  # 「…を踏まえた3原則」 → 「3原則」
                           if (m := re.search(r"(?<=た|の)\d+(?:つの)?\w{2,}$", t))]
        self._headings = [(sid, part) for sid, t in self._headings for part in _heading_forms(t)]
        self._titled = {sid for sid, _ in self._headings}
        self._groups = {sec.id for sec in corpus if not sec.text.strip() and corpus.descendants(sec.id)[1:]}
        self._defines = {t for sec in corpus for t in _defined_terms(sec.text)}  # terms the documents define
        self._defined = sorted(t for t in self._defines if len(t) > 2)  # 本部長, 本部員 …, not 「本部」 (人工知能戦略本部
        # is asked about by name)
        self._captions = [(sec.id, m.group(1)) for sec in corpus if sec.kind == "article"
                          if (m := re.search(r"\((.+?)等?\)$", sec.title))]
        index = retriever.index  # the readings were learned at build; a rewrite may spell as the documents or bank do
        places = [f"{sec.title}\n{sec.text}" for sec in corpus]  # every heading and text (「(定義)」 included)
        self.kana = KanaReader(index.kana_words, "\n".join(places + [e.q for e in index.bank]))
        # in one plain string: quiz options (「2023年」「4つ」) are looked up in it
        self._plain = arabic_numerals(normalize("\n".join(places)))
        self.vocabulary = retriever.vocabulary or Vocabulary()
        self.names = corpus.names
        names = [doc.name or doc.label for doc in corpus.documents]  # 「AI基本計画(骨子)とAI法」
        self.collection = "、".join(names[:-1]) + "と" + names[-1] if len(names) > 1 else names[0]
        self.scope = Scope(set(self.terms.vocab), "\n".join(s.text for s in corpus), self.tokenize,
                           self.config.unknown_share, self.vocabulary.everyday, self.names,
                           ((e.q, e.id is not None) for e in index.bank))
        self.reader = QueryReader(self.kana, self.vocabulary, self.known_ministries, self.names, index.word_spread,
                                  index.chunks_using)

    @classmethod
    def load(cls, corpus_dir: Path | str = DEFAULT_CORPUS_DIR, index_dir: Path | str = DEFAULT_INDEX_DIR,
             embedder: str = DEFAULT_EMBEDDER, config: AnswerConfig | None = None, llm=None) -> "Assistant":
        """Load corpus, index and embedder from disk (refusing a stale index); the corpus packs are the ones the
        index was built with (``planqa build --with related``)."""
        corpus = load_corpus(corpus_dir, index_packs(index_dir))
        emb: Embedder = get_embedder(embedder)
        index = load_index(index_dir, corpus, emb.id)
        config = config or AnswerConfig()
        vocabulary = read_vocabulary(corpus.vocabulary)
        return cls(corpus, Retriever(index, emb, config.retrieval, vocabulary, corpus.names), config, llm)

    # ---- public -------------------------------------------------------------------------
    def ask(self, question: str, history: list[Answer] | None = None,
            documents: Iterable[str] | None = None) -> Answer:
        """Answer one message; ``history`` (earlier answers, oldest first) resolves follow-ups.

        A message that asks several things (a Diet question's 第一に…第二に…, 「…の略？なにするとこ？」)
        gets each ask answered on its own, joined into one answer. With an LLM configured, a message of
        one general ask is answered by it (outside the lock, so slow generations do not queue others).
        ``documents`` restricts the answer to those documents' places (IDs of sources.toml). Safe to call from
        several threads.
        """
        started = time.perf_counter()
        text = clean_question(question)
        scope = self._documents(documents)
        with self._lock:  # the tagger and the word caches are shared; an extractive answer takes ~20 ms
            query = self.reader.read(text)
            if not query.japanese:
                answer = Answer(plain(NOT_JAPANESE.format(self.collection)), True, (), (), 0.0, "language")
            elif query.options:
                answer = self._answer_quiz(query.stem, query.options, history, scope)
            else:
                answer = self._answer_asks(query, history, scope)
        asks = query.asks
        if self.llm is not None and len(asks) == 1 and not answer.abstained and asks[0].route.name == "general":
            answer = self._with_llm(asks[0].text, answer, list(answer.retrieved[:5]))  # seconds: outside the lock
        answer = self._with_status(answer)
        latency = (time.perf_counter() - started) * 1000
        shown = f" question={text!r}" if self.config.log_questions else ""
        _log.info("answered route=%s abstained=%s latency_ms=%.1f%s", answer.route, answer.abstained, latency, shown)
        return replace(answer, latency_ms=latency, question=text)

    def _with_status(self, answer: Answer) -> Answer:
        """A line for each quoted document whose manifest states a standing readers must know (the plan is the
        outline 骨子(案), not the adopted plan), with where the official text is; and one for each quoted place
        whose stored text lacks its items (民法・刑法: 「この項の各号は未収録です」). A decline cites only the places it
        quotes as related, so it gets the same lines."""
        cited = [c.id for c in answer.citations if c.id in self.corpus]
        docs = dict.fromkeys(self.corpus[cid].doc for cid in cited)
        notes = [status_note(d) for d in (self.corpus.document(doc) for doc in docs) if d.status]
        notes += list(dict.fromkeys(note for cid in cited if (note := self.corpus.gap_note(cid))))
        return replace(answer, lines=answer.lines + plain("\n".join(notes))) if notes else answer

    def read(self, question: str) -> Query:
        """How the assistant reads a message (its asks, their normalised form, references, routes): for debugging."""
        with self._lock:
            return self.reader.read(clean_question(question))

    def _documents(self, documents: Iterable[str] | None) -> frozenset[str] | None:
        """The documents a question is restricted to, checked against the corpus."""
        if documents is None or not (chosen := frozenset(d for d in documents if d)):
            return None
        known = [d.id for d in self.corpus.documents]
        if unknown := sorted(chosen - set(known)):
            raise InvalidQuestionError(f"unknown document {unknown[0]!r}",
                                       f"文書「{unknown[0][:40]}」は収録していません。選べる文書: {'、'.join(known)}")
        return chosen

    def _answer_quiz(self, stem: str, options: tuple[Option, ...], history: list[Answer] | None,
                     documents: frozenset[str] | None = None) -> Answer:
        """A multiple-choice item: the stem answered, then the option the documents single out named first.
        True/false statements (「正しいものを2つ選べ。ア 本部長には…」) are each looked up instead."""
        def mostly(pattern: re.Pattern, shortest: int = 0) -> bool:
            return sum(len(text) >= shortest and bool(pattern.search(text)) for _, text in options) * 2 > len(options)

        def each_option() -> Answer:  # each option looked up on its own, under its mark
            return _join([f"{mark} {text}" for mark, text in options],
                         [self._answer_one(self.reader.ask(text), history, documents=documents, quiz=True)
                          for _, text in options],
                         headed=True)

        if mostly(_STATEMENT, 12):
            return each_option()
        stem_quotes = quoted = re.findall(r"「([^」]+)」", stem)  # one quote, a heading: 「「4つの基本的な方針」に含まれないものは」
        heading = next((sid for sid, title in self._headings if quoted == [title]
                        and (documents is None or self.corpus[sid].doc in documents)), None)
        read = self.reader.ask(stem)
        if heading:  # the options are weighed against that place (a second quote names a part inside it)
            hits = self.retriever.rank(read.normalized, k=10, documents=documents)
            answer = replace(self.structured.reference(heading), retrieved=tuple(hits))
        else:
            answer = self._answer_one(read, history, documents=documents, quiz=True)
        if answer.abstained and mostly(_CLAIM):  # the stem says nothing, the options do
            return each_option()
        if self._values_nowhere(options):  # 「開催年として正しいものを選べ 1. 2021年…」
            return self._abstain(list(answer.retrieved))
        quoted = [answer.answer] + [self.corpus[c.id].title for c in answer.citations[:1] if c.id in self.corpus]
        phrases = stem_quotes if len(stem_quotes) == 1 and not heading else []  # one quote, no heading (several: a
        # fill-in item)
        holders = [c for c in answer.citations if any(p in c.text for p in phrases)]
        holders = [c for c in holders if not any(o.id.startswith(c.id + ".") for o in holders)]  # the innermost
        if len(holders) == 1 and len(answer.citations) > 1 and holders[0].id in self.corpus:  # the one place
            # quoted holding the stem's quote answers (「括弧書きで「AIの信頼性を高める」と…」: one of the four policies)
            place = self.structured.reference(holders[0].id)
            place = self._headed(place, holders[0].id, "該当するのは") if holders[0].id in self._titled else place
            answer = replace(place, retrieved=answer.retrieved)
            quoted = [answer.answer, self.corpus[holders[0].id].title]
        verdict = pick_option(stem, options, quoted, [] if heading else [h.chunk.embedding_text() for h in answer.retrieved])
        if not verdict and not answer.abstained and len(answer.citations) > 1 \
                and (first := option_first_stated(stem, options, [line.text if line.places else ""
                                                                  for line in answer.lines])):  # quoted lines only
            verdict, at = first  # the option the best quoted sentence states, and that sentence alone
            line = answer.lines[at]
            answer = replace(answer, lines=(line,), citations=tuple(c for c in answer.citations
                                                                    if any(c.id == pid for pid, _ in line.places)))
        if not verdict and not answer.abstained and (found := option_found_once(
                stem, options, [(u.id, u.text) for h in answer.retrieved[:5] for u in h.chunk.units])):
            verdict, pid = found  # 「第24条によれば本部員に充てられるのは」: 第2項 states it, not the quoted 第1項
            place = self.structured.reference(pid)
            return replace(place, lines=plain(verdict) + place.lines, retrieved=answer.retrieved)
        if not verdict and not heading and mostly(_CLAIM):  # what the stem found singles out no option: each one
            return each_option()  # says something to look up (「正しいのは？ A 地方自治体の…は文科省が担当 B …」)
        if not verdict or answer.abstained:
            return answer
        if (absent := named_absent(verdict, list(options))) and not heading \
                and (group := self._group_stating([o for o in options if o != absent], list(answer.retrieved))):
            answer = replace(self.structured.reference(group), retrieved=answer.retrieved)  # where the others stand
        # the places stating the chosen option answer it, not the others quoted beside them (an item keeps its list)
        if at := stating(verdict, list(options), [line.text for line in answer.lines]):
            places = {pid for i in at for pid, _ in answer.lines[i].places}
            lists = {_parent(p) for p in places} & {c.id for c in answer.citations}
            places |= lists | {c.id for c in answer.citations if _parent(c.id) in lists}
            lines = [line for line in answer.lines if not line.places or places & {p for p, _ in line.places}]
            answer = replace(answer, lines=tuple(lines), citations=tuple(c for c in answer.citations if c.id in places))
        return replace(answer, lines=plain(verdict) + answer.lines)

    def _group_stating(self, options: list[Option], hits: list[Hit]) -> str | None:
        """The one heading group whose parts state every option given (「基本的な方針として適当でないものは」: the others
        are three of the 4つの基本的な方針); the evidence for the option the documents lack. None when no group or
        several hold them all."""
        stating = [{u.id for h in hits for u in h.chunk.units if states(text, f"{self.corpus[u.id].title}\n{u.text}")}
                   for _, text in options]
        groups = {_parent(u) for found in stating for u in found} & self._titled
        holding = [g for g in sorted(groups) if all(any(_parent(u) == g for u in found) for found in stating)]
        return holding[0] if len(holding) == 1 and len(options) >= 2 else None

    def _values_nowhere(self, options: tuple[Option, ...]) -> bool:
        """Mostly figures (years, counts), and none of the options is anywhere in the documents."""
        values = [text for _, text in options if re.search(r"\d", text)]
        return len(values) * 2 > len(options) and not any(arabic_numerals(normalize(t)) in self._plain
                                                          for _, t in options)

    def _answer_asks(self, query: Query, history: list[Answer] | None,
                     documents: frozenset[str] | None = None) -> Answer:
        """Each ask of the message answered on its own and joined; an ask that details an earlier one
        is answered with what that one did not quote. A later ask may lean on the first: a ministry list within the
        places the first named, a declined ask read again after an answered first; an ask comparing with another
        country's rules the message names is declined."""
        text, asks = query.stem, [a.text for a in query.asks]
        quiz = is_quiz_item(query.message)  # 「【○×問題】…」: one statement to check, no options
        whole = self.reader.normalize(text, focus=False)  # what each ask reads is focused: a preamble is cut
        message = whole if _beyond_asks(without_added_terms(whole), [without_added_terms(a.normalized)
                                                                    for a in query.asks]) else ""
        parts: list[Answer] = []
        started = time.perf_counter()
        for read, ask in zip(query.asks, asks):
            if parts and (len(parts) >= self.config.max_asks
                          or (self.config.time_budget_s is not None
                              and time.perf_counter() - started > self.config.time_budget_s)):
                answer = parts[0] if len(parts) == 1 else _join(asks[:len(parts)], parts,
                                                                most=self.config.briefing_lines)
                note = f"ご質問が多いため、最初の{len(parts)}件にお答えしました。残りは分けてお尋ねください。"
                return replace(answer, lines=(*answer.lines, Line(note)))
            said = {c.id for p, a in zip(parts, asks) if a in ask and (len(ask) - len(a) > _SHORT_FOLLOW_UP
                                                                  or _enumerated(text, ask[len(a):]))
                    for c in p.citations}
            own = ask[len(asks[0]):].strip() if parts and ask.startswith(asks[0]) else ""
            if own and _OWN_TOPIC.match(own) and (alone := self.reader.ask(own)).route.name in ("ministry",
                                                                                              "ministry_list"):
                read = alone  # 「…法律に書いてある？ガバメントAIってどこがやるの」: names its own measure
            read = self._within_first_places(read, ask, query.asks[0]) if parts else read
            if parts and parts[0].route == "ministry" and read.route.name == "ministry" \
                    and not self.finder.names_a_measure(read.normalized):
                parts.append(parts[0])  # 「◎はどこで、ほかにどこが入っているか」: the first answer names them all
                continue
            # 「…対策してるの？どこがやってるの？」: who runs the one measure the first ask was answered from
            if own and read.route.name == "ministry" and self.finder.names_nothing(own) \
                    and len(quoted := [c.id for c in parts[0].citations if c.id in self.finder.by_id]) == 1:
                parts.append(self.structured.ministry(read.normalized, self.finder.by_id[quoted[0]]))
                continue
            part = self._answer_one(read, history, said, documents, own_words=own, quiz=quiz, message=message)
            if part.abstained and parts and not parts[0].abstained and not ask.startswith(asks[0]) \
                    and not asks_for_amount_or_date(read.normalized):
                # declined alone, a later ask may lean on the answered first (「本部ってどこ？あと、いちばんえらいひとは？」)
                again = self._answer_one(self.reader.ask(f"{asks[0]} {ask}"), history, said, documents)
                part = part if again.abstained else again
            if not part.abstained and self.scope.compares_with_foreign_rules(text, read.text):
                part = self._abstain(list(part.retrieved))
            parts.append(part)
        return parts[0] if len(parts) == 1 else _join(asks, parts, most=self.config.briefing_lines)

    def _within_first_places(self, read: Ask, ask: str, first: Ask) -> Ask:
        """A later ministry-list ask naming no place lists within the places the first ask named (「第3章第2節で当省が
        関わる取組は。また、当省が◎のものは」), not across the whole plan."""
        if read.route.name != "ministry_list" or read.references or not first.references:
            return read
        places = " ".join(self.corpus[r].label for r in first.references if r in self.corpus)
        return self.reader.ask(f"{places}の {ask}")

    def _answer_one(self, ask: Ask, history: list[Answer] | None, said: set[str] | None = None,
                    documents: frozenset[str] | None = None, own_words: str = "", quiz: bool = False,
                    message: str = "") -> Answer:
        """One ask answered by the first route handler that can; ``message``: the whole message it was taken from,
        when that says more than the ask (its ranking joins retrieval's lists, its vector the sentences' scoring)."""
        query = ask.normalized
        previous = next((a for a in reversed(history or []) if not a.abstained and a.citations), None)
        context = previous if previous and is_followup(query) else None
        if context is None and ask.route.name == "ministry" and is_followup(query) \
                and not self.finder.names_a_measure(query):
            return _UNCLEAR  # 「それの担当は？」 with nothing before it to point at
        background = ask.background if not context and not _QUOTED_TERM.search(ask.text) else ""  # an ask quoting
        # its term has its subject
        search_query = self.reader.normalize(f"{context.question} {ask.text}") if context \
            else self.reader.normalize(background + ask.text) if background else query
        heard = ask.preamble if not context else ()  # the preamble's rare nouns: retrieval and the composer hear them
        search_query = with_added_terms(search_query, heard)
        bare = without_added_terms(search_query)
        added = search_query[len(bare):]  # the documents' terms the query stage appended
        headings = tuple(dict.fromkeys(sid for sid, title in self._headings if title in bare)) \
            or self._loosely_quoted(bare)  # a heading a quote abbreviates ranks first too
        blank = self._blank_sibling(bare, headings)
        headings = blank or headings  # the siblings a fill-in-the-blank item names are given, not asked
        hits = self.retriever.rank(without_where_to_look(bare) + added, k=10, documents=documents,
                                   places=headings, written=None if context else ask.written,
                                   message=None if context else message)
        answer = self._compose(ask, Turn(search_query, hits, context, frozenset(said or ()), documents,
                                         self.reader.normalize(own_words) if own_words else "",
                                         query if background or heard else "", quiz,
                                         message if not context else ""))
        if blank and any(c.id == blank[0] for c in answer.citations):  # the heading itself fills the blank
            answer = self._headed(answer, blank[0], "空欄に当たるのは")
        first = answer.citations[0].id if answer.citations and not answer.abstained else None
        if first in self._titled and _ONE_OF.search(bare) and self.corpus[first].parent in self._titled:
            answer = self._headed(answer, first, "該当するのは")  # 「方針のうち…どれ」: the item, by its heading
        if ask.route.name == "general" and not answer.abstained and ask.opinion:
            answer = replace(answer, lines=plain(OPINION_FRAME) + answer.lines)
        return replace(answer, retrieved=tuple(answer.retrieved or hits))

    def _headed(self, answer: Answer, place_id: str, lead: str) -> Answer:
        """The answer under a line naming the place by its heading (「空欄に当たるのは「…」です。」)."""
        place = self.corpus[place_id]
        line = Line.at(f"{lead}「{_HEADING_NUMBER.sub('', place.title)}」です。", place)
        return replace(answer, lines=(line, *answer.lines))

    def _loosely_quoted(self, query: str) -> tuple[str, ...]:
        """The one heading a quoted phrase abbreviates (「4つの方針」 for 「4つの基本的な方針」): its characters in order
        in the heading and at least half of it. A count of things (4つの方針) needs no quotes."""
        quotes = [q or n for q, n in re.findall(r"「([^「」]{4,20})」|(?<!\d)(\d+つの[一-龥ァ-ヶー]{2,10})", query)]
        found = {sid for quote in quotes for sid, title in self._headings
                 if 2 * len(quote) >= len(title) and _in_order(quote, title)}
        return tuple(found) if len(found) == 1 else ()

    def _blank_sibling(self, query: str, named: tuple[str, ...]) -> tuple[str, ...]:
        """「「AIを使う」「AIを創る」「(　)」「AIと協働する」」: a blank among sibling headings is the one sibling
        the question does not name; 「「(　)」(AIガバナンスの主導)」: a blank right beside one form of a heading whose
        other form the question does not write is that heading."""
        slot = _BLANK_SLOT.search(query)
        if not slot or not named:
            return ()
        parents = {self.corpus[sid].parent for sid in named} - {None} if len(named) >= 2 else set()
        for parent in sorted(parents, key=lambda p: (p not in named, p)):  # the list the question names first
            children = [sid for sid in self.corpus[parent].children if sid in self._titled]
            missing = [sid for sid in children if sid not in named]
            if len(missing) == 1 and len(children) - 1 >= 2:
                return tuple(missing)
        beside = {sid for sid, title in self._headings if sid in named
                  and any(0 <= m.start() - slot.end() <= _BESIDE or 0 <= slot.start() - m.end() <= _BESIDE
                          for m in re.finditer(re.escape(title), query))
                  and any(other.strip("「」『』") not in query for s, other in self._headings if s == sid)}
        return tuple(beside) if len(beside) == 1 else ()

    def section_text(self, section_id: str) -> tuple[str, str]:
        """(label, full text) of a place, for readers of a citation."""
        return self.corpus[section_id].label, self.corpus.full_text(section_id)

    # ---- routes -------------------------------------------------------------------------
    def _compose(self, ask: Ask, turn: Turn) -> Answer:
        """The first route handler that answers (each returns None to pass): table, fixed and structural answers
        before the extractive composer, which always answers or declines."""
        for handler in (self._declined, self._ministry_list, self._ministry, self._penalty, self._regulation,
                        self._metadata, self._missing_place, self._reference, self._general):
            if (answer := handler(ask, turn)) is not None:
                return answer
        raise AssertionError("the general route always answers")

    def _route(self, ask: Ask) -> Route:
        """The route that serves the ask: the ministry table holds no amounts or dates (「概算要求額は府省庁別にいくら」)."""
        if ask.route.name in ("ministry", "ministry_list") and asks_for_amount_or_date(ask.normalized):
            return Route("general")
        return ask.route

    # ---- route handlers: (ask, turn) → Answer, or None to pass ------------------------------
    def _declined(self, ask: Ask, turn: Turn) -> Answer | None:
        """A ministry question no place can answer (「どこの会社のモデルに決まったの」, 「こども家庭庁が主導する施策」)."""
        if ask.route.name in ("ministry", "ministry_list") and turn.allows(*self.names.plans) \
                and self.scope.declined(ask.normalized):
            return self._abstain(turn.hits)
        return None

    def _ministry_list(self, ask: Ask, turn: Turn) -> Answer | None:
        """What a ministry leads or takes part in; or whether it takes part in one measure (○×)."""
        route, query, hits = self._route(ask), ask.normalized, turn.hits
        if route.name != "ministry_list" or not turn.allows(*self.names.plans):  # the table is the plan's
            return None
        topic = self.finder.topic(query, route)
        scope = self.finder.list_scope(query, route, topic)  # a subject outside the places named is no subject
        asked = without_added_terms(query)
        if topic and len(topic) <= 2 and (scope is None or topic <= scope) and not route.joint \
                and _CHECK_WORDS.search(asked) and not _LISTING_WORDS.search(asked):  # 「スタートアップ支援に経産省は入ってる？」
            best = [mid for h in hits for mid in h.chunk.ids if mid in topic] + sorted(topic)
            measure = self.finder.by_id[best[0]]  # the one retrieval ranks first
            answer = self.structured.ministry_check(query, measure, route.ministries)
        elif scope is None and not route.joint and not _LISTING_WORDS.search(asked) \
                and self.finder.names_a_measure(subject := without_ministries(query, route.ministries,
                                                                              self.known_ministries)) \
                and (topic or len({n.split("(")[0] for n in route.ministries}) > 1):  # 「…はAとBのどちらが所管」
            # a subject whose measures the ministry has no part in, or several ministries named beside a subject:
            # the subject's own measure, who carries it and whether the named take part; not each one's every measure
            measure = self._subject_measure(subject, topic, hits)
            units = tuple(n for n in route.ministries if "(" not in n or measure and n in measure.ministries)  # 内閣府
            answer = self.structured.ministry_check(query, measure, units) if measure \
                else self.structured.ministry_list(route, scope)
        else:
            answer = self.structured.ministry_list(route, scope)
        listed = {c.id for c in answer.citations}
        first = [h for h in hits if listed & set(h.chunk.ids)]
        return replace(answer, retrieved=tuple(first + [h for h in hits if h not in first]))

    def _subject_measure(self, subject: str, topic: set[str] | None, hits: list[Hit]) -> Measure | None:
        """The measure a ministry question's subject names: of the measures matching its words, the one retrieval ranks
        first; else the best match for the subject when retrieval ranks it in its first five too."""
        ranked = [mid for h in hits for mid in h.chunk.ids]
        if topic:
            return self.finder.by_id[([mid for mid in ranked if mid in topic] + sorted(topic))[0]]
        measure = self.finder.target(subject, None, bank=False)
        return measure if measure is not None and measure.id in {i for h in hits[:5] for i in h.chunk.ids} else None

    def _ministry(self, ask: Ask, turn: Turn) -> Answer | None:
        """Who is responsible for a measure (◎ lead first); None when no measure is identified."""
        route, query, hits = self._route(ask), ask.normalized, turn.hits
        if route.name != "ministry" or not turn.allows(*self.names.plans) \
                or (measure := self.finder.target(query, turn.context, turn.said)) is None:
            return None
        answer = self.structured.ministry(query, measure)
        quoted = self.finder.quoted(query)  # measures quoted by their text are the ones asked, and only they
        others = [m for m in quoted if m != measure] if quoted else \
            self.finder.sharing_rare_words(query, measure) or self.finder.siblings_asked(query, measure) \
            or self.finder.also_asked(query, measure)
        for other in others:
            more = self.structured.ministry(query, other)
            answer = replace(answer, lines=answer.lines + more.lines,
                             citations=answer.citations + more.citations)
        if _mentions_both_documents(query, self.names):
            act_hits = [h for h in hits if h.chunk.doc in self.names.laws]
            extra = self._extract(turn.search_query, act_hits, route) if act_hits else None
            if extra is not None and extra.citations:
                answer = replace(answer, lines=answer.lines + extra.lines[:1],
                                 citations=answer.citations + extra.citations[:1])
        first = [h for h in hits if measure.id in h.chunk.ids]
        return replace(answer, retrieved=tuple(first + [h for h in hits if h not in first]))

    def _law(self, ask: Ask, turn: Turn) -> str | None:
        """The law an ask is about: the one it names, else the manifest's first law (of those the asker allows)."""
        laws = [d for d in self.names.laws if turn.allows(d)]
        named = [d for d in self.names.named(without_added_terms(ask.normalized)) if d in laws]
        return (named or laws or [None])[0]

    def _penalty(self, ask: Ask, turn: Turn) -> Answer | None:
        """Whether a law has penalties, read off its structure (and the place asked about beside it)."""
        law = self._law(ask, turn)
        ok = ask.route.name == "penalty" and self.scope.about_a_law(ask.normalized, ask.text) and law
        return self._with_subject(self.structured.penalty(law, 1 if turn.quiz else None), ask, turn) if ok else None

    def _regulation(self, ask: Ask, turn: Turn) -> Answer | None:
        """Whether a law licenses or prohibits anything, read off its text (and the place asked about beside it)."""
        law = self._law(ask, turn)
        ok = ask.route.name == "regulation" and self.scope.about_a_law(ask.normalized, ask.text) and law
        return self._with_subject(self.structured.regulation(law, 1 if turn.quiz else None), ask, turn) if ok else None

    def _with_subject(self, answer: Answer, ask: Ask, turn: Turn) -> Answer:
        """A structural answer, then the composer's first place when it is the place retrieval ranks first and the
        structural answer does not quote it: the ask's subject (「声をまねた詐欺電話…AI法で取り締まれる？」 → the
        plan's measure on fraud misusing AI) beside whether the law punishes or prohibits."""
        top = turn.hits[0].chunk.ids if turn.hits else ()
        quoted = [c.id for c in answer.citations]
        if not top or any(id_matches(c, t) or id_matches(t, c) for c in quoted for t in top):
            return answer
        found = self._general(ask, turn)
        first = found.citations[0] if found.citations and not found.abstained else None
        if first is None or first.id in quoted or not any(id_matches(first.id, t) or id_matches(t, first.id)
                                                          for t in top):
            return answer
        lines = tuple(line for line in found.lines if line.places and all(p == first.id for p, _ in line.places))
        return replace(answer, lines=answer.lines + lines, citations=answer.citations + (first,))

    def _metadata(self, ask: Ask, turn: Turn) -> Answer | None:
        law = self._law(ask, turn)
        return self.structured.metadata(law) if ask.route.name == "metadata" and law else None

    def _missing_place(self, ask: Ask, turn: Turn) -> Answer | None:
        """「AI法第99条には何が書いてある？」: the Act ends at 第28条; no other place stands in for it."""
        refs = [r for r in ask.references if turn.allows(r.partition(":")[0])]
        if refs and not any(r in self.corpus for r in refs):
            return self.structured.missing(refs[0])
        return None

    def _reference(self, ask: Ask, turn: Turn) -> Answer | None:
        """A named place asked for as a whole (or one whose text was not obtained), or the outline of a group whose
        overview questions in the bank are clearly the nearest (``_bank_group``)."""
        query = ask.normalized
        titled = self._titles_in(query)  # places named by their heading, not by number
        refs = [r for r in titled + [r for r in ask.references if r in self.corpus] if turn.allows(self.corpus[r].doc)]
        if refs and not self.corpus[refs[0]].indexed:  # 附則第3条: any question about it gets "not obtained"
            return self.structured.reference(refs[0])
        if self._route(ask).name not in ("reference", "general"):
            return None
        if refs and _ABOUT.search(query) and (self._only_about(query, refs[0]) or self._whole_heading(query, refs[0])):
            named = () if refs[0] in titled else self._named_places(ask, turn)
            if len(named) > 1:  # 「第9条と第21条には何が書いてある？」: each place as a whole
                return _join([query] * len(named), [self.structured.reference(r) for r in named])
            return self.structured.reference(refs[0])
        if titled and refs[0] == titled[0] and _EACH_OF.search(query) \
                and len(self._titled & set(self.corpus[refs[0]].children)) >= 2:  # 「4つの方針…それぞれどんな…」:
            outline = self.structured.reference(refs[0])  # a list named by its heading and asked item by item gets
            if value_present(query, "\n".join(line.text for line in outline.lines)):  # its items' headings, unless
                return outline  # they lack what is asked (an amount)
        # the list of a group the bank places the ask at (a blank among the list's items, or 「…のうち…どれ」, asks for
        # one of them)
        group = None if _BLANK_SLOT.search(query) or _ONE_OF.search(query) else self._bank_group(turn.search_query)
        if group and turn.allows(self.corpus[group].doc) and not self._out_of_scope(turn.search_query, turn.hits):
            outline = self.structured.reference(group)  # 「方針って4つあるらしいけど何と何？」: the group's outline,
            if value_present(query, "\n".join(line.text for line in outline.lines)):  # unless it lacks what is asked
                return outline  # (「…施策にはそれぞれいくら」 holds no amount)
        return None

    def _general(self, ask: Ask, turn: Turn) -> Answer:
        """The extractive composer, or a decline when the documents do not answer."""
        hits = turn.hits
        if self._out_of_scope(turn.scope_query or turn.search_query, hits, ask.opinion):
            return self._abstain(hits)
        if ask.legal:  # what each document says, the general laws (民法, 刑法) included: its best place each
            present = {h.chunk.doc for h in hits}
            for doc in (d.id for d in self.corpus.documents if d.id not in present and turn.allows(d.id)):
                hits = hits + self.retriever.rank(turn.search_query, k=1, documents=frozenset({doc}))
        answer = self._extract(turn.search_query, hits, self._route(ask), turn.said, ask.briefing, ask.legal,
                               ask.opinion, self._named_places(ask, turn), turn.own_words, turn.message)
        if not value_present(ask.normalized, "\n".join(line.text for line in answer.lines),
                             any(h.referenced for h in hits)):
            return self._abstain(hits, answer)
        return answer

    def _named_places(self, ask: Ask, turn: Turn) -> tuple[str, ...]:
        """The articles, paragraphs, sections and measures the ask names by number (not chapters, which a question
        names as context), none inside another."""
        named = [r for r in ask.references if r in self.corpus and self.corpus[r].indexed
                 and self.corpus[r].kind != "chapter" and turn.allows(self.corpus[r].doc)]
        return tuple(r for r in named if not any(o != r and id_matches(r, o) for o in named))

    def _titles_in(self, query: str) -> list[str]:
        """Groups and sections whose heading the question quotes (「AI人材の育成・確保」), and articles
        whose caption it names (「国の責務」; short ones such as 「目的」 only when the Act is named)."""
        act_named = self.names.law(query)
        plan_only = self.names.plan(query) and not act_named
        found = [sid for sid, title in self._headings if title in query] or list(self._loosely_quoted(query))
        if not plan_only:
            shortest = 2 if act_named else 4
            found += [sid for sid, caption in self._captions if len(caption) >= shortest and caption in query]
        return found

    def _whole_heading(self, query: str, ref: str) -> bool:
        """「「4つの基本的な方針」を…すべて答えよ」: a quoted heading asked for in full (or its 内容, for a quiz)."""
        title = next((t for sid, t in self._headings if sid == ref), self.corpus[ref].title)
        return bool(_WHOLE.search(query)) and f"「{title}」" in query

    def _only_about(self, query: str, ref: str) -> bool:
        """True when the question asks for the place as a whole, not for a detail inside it."""
        place = self.corpus[ref]
        known = set(self.tokenize(place.title + " " + place.label))
        rest = _REFERENCE_TEXT.sub(" ", _ABOUT.sub(" ", query))
        extra = [t for t in self.tokenize(rest) if t not in known and t not in _GENERIC and t not in _ABOUT_WORDS]
        return len(extra) <= 1

    # ---- extractive composer ------------------------------------------------------------
    def _score_sentences(self, query: str, hits: list[Hit], every_document: bool = False,
                         shares: dict[str, float] | None = None,
                         message: str = "") -> list[tuple[float, Unit, str, Chunk]]:
        """Every sentence of the top hits, scored by embedding similarity, term coverage and rank, and by ``shares``
        (``_place_shares``: how likely the bank makes its chunk the question's place; empty for a legal ask);
        ``every_document``: also the first hit of each document ranked lower, for a briefing; ``message``: the whole
        message the ask was taken from, whose vector takes ``message_share`` of the query's."""
        index, cfg = self.retriever.index, self.config
        qvec = self.retriever.embedder.query(query)
        if message and cfg.message_share:  # the ask's own words, and a share for the message it was taken from
            qvec = (1 - cfg.message_share) * qvec + cfg.message_share * self.retriever.embedder.query(message)
        qtok = self.tokenize(_SCOPE_PHRASE.sub(" ", query))
        defining = _DEFINING.search(query)
        named = self.names.named(query)
        named_doc = named[0] if len(named) == 1 else None
        scored = []
        candidates = list(enumerate(hits[:cfg.candidate_chunks]))
        if every_document:
            seen = {h.chunk.doc for _, h in candidates}
            for rank, hit in enumerate(hits):
                if hit.chunk.doc not in seen:
                    seen.add(hit.chunk.doc)
                    candidates.append((rank, hit))
        linked = [_bare(a) for a in self._bank_link(query, hits)]
        subject = self._defined_subject(without_added_terms(query))
        about = _about_subject(subject, [s for _, h in candidates for s in h.chunk.sentences()]) if subject else set()
        shares = shares or {}
        for rank, hit in candidates:
            sims = index.sentence_rows(hit.chunk) @ qvec
            for j, (unit, sent) in enumerate(hit.chunk.sentences()):
                if len(sent.strip()) <= _BARE_WORD:
                    continue  # 「目次」「附則」: a heading line of a table of contents states nothing
                coverage = self.terms.coverage(qtok, sent)
                score = float(sims[j]) + cfg.coverage_weight * coverage
                score -= cfg.note_penalty if _NOTE.fullmatch(sent.strip()) else 0.0
                score += cfg.rank_weight / (rank + 1) + (0.05 if hit.referenced else 0.0)
                score += cfg.document_weight if hit.chunk.doc == named_doc else 0.0
                score += cfg.place_weight * shares.get(hit.chunk.key, 0.0)
                bare = _bare(sent) if linked else ""
                score += cfg.bank_link_bonus if any(bare in a or a in bare for a in linked) else 0.0
                score += cfg.subject_bonus if unit.id in about and (f"「{subject}」という" in sent
                                                                   or _topic(sent) == subject) else 0.0
                if defining and _DEFINITION.search(sent):
                    score += 0.05 * coverage
                scored.append((score, unit, sent, hit.chunk))
        scored.sort(key=lambda x: -x[0])
        return scored

    def _place_shares(self, query: str) -> dict[str, float]:
        """How likely the bank makes each chunk the question's place (``place_weight``); none for quoted words."""
        if not self.config.place_weight or _QUOTE.search(query):
            return {}
        return self.retriever.index.place_shares(self.retriever.embedder.query(query))

    def _text_score(self, entry: tuple, places: dict[str, float]) -> float:
        """A sentence's score without the place classifier's weight: the margins by which more places join the first
        one quoted are the text's (the classifier picks the first place, not the lead or the other document beside
        it)."""
        return entry[0] - self.config.place_weight * places.get(entry[3].key, 0.0)

    def _lead_and_measure(self, chosen: list, scored: list, view: bool, places: dict[str, float]) -> list:
        """The places that join those quoted: inside each document's first place, the best of the nearest places with
        text (a measure under a section's lead, not one under its chapter; none under an editor's note) within
        ``inner_margin`` of the top and, for a ``view`` ask, the nearest place enclosing the first one that has text of
        its own (the lead over a measure) within ``lead_margin`` by the text's scores (``_text_score``); none already
        quoted."""
        cfg, top, best, joined = self.config, chosen[0][1].id, scored[0][0], []
        place = _parent(top)
        while view and cfg.lead_margin is not None and place:
            own = sorted((e for e in scored if e[1].id == place), key=lambda e: -self._text_score(e, places))
            if own:
                text_top = max(self._text_score(e, places) for e in scored)
                if self._text_score(own[0], places) >= text_top - cfg.lead_margin \
                        and not any(c[1].id == place for c in chosen):
                    joined.append(own[0])
                break
            place = _parent(place)
        firsts = [c for i, c in enumerate(chosen) if all(o[3].doc != c[3].doc for o in chosen[:i])]
        for first in firsts:  # each document's first place (a briefing's other document too)
            top = first[1].id
            inner = [e for e in scored if e[1].id.startswith(top + ".") and not any(  # the nearest places with
                mid in self.corpus and self.corpus[mid].text for mid in _between(top, e[1].id))]  # text inside
            # (3 §1 → its measures, not 第3章 → them)
            if cfg.inner_margin is not None and inner and inner[0][0] >= best - cfg.inner_margin \
                    and not _NOTE.fullmatch(first[2].strip()) \
                    and not any(c[1].id.startswith(top + ".") for c in chosen + joined):
                joined.append(inner[0])
        return joined

    def _same_subject(self, query: str, chosen: list, scored: list) -> list:
        """The other paragraphs beside the first one quoted that open with the same subject (「研究開発機関は、」)
        when the ask names that subject: what a provision makes its subject do is often said in two paragraphs
        (第6条第1項 and 第3項; 第25条第1項 and 第2項); each within ``subject_margin`` of the top, none already quoted."""
        margin, first = self.config.subject_margin, chosen[0]
        subject, parent = _topic(first[2]), _parent(first[1].id)
        asked = without_added_terms(query)
        if margin is None or not subject or len(subject) < 2 or not parent or subject not in asked \
                or _DEFINING.search(asked) or find_references(asked, self.names):
            return []  # 「国は、」 is every other provision's subject; a definition or a paragraph named is asked alone
        joined: dict[str, tuple] = {}
        for entry in scored:
            place = entry[1].id
            if entry[0] >= scored[0][0] - margin and _parent(place) == parent and place not in joined \
                    and _topic(entry[2]) == subject and not any(c[1].id == place for c in chosen):
                joined[place] = entry
        return list(joined.values())

    def _defined_subject(self, query: str) -> str | None:
        """The one term the documents define (「…(以下「本部長」という。)」) that the question asks about as its
        topic (「本部長には誰が」), a document's name aside; the longest one (本部長, not the 本部 inside it)."""
        used = [t for t in self._defined if re.search(re.escape(t) + r"[)」]?(?:には|は|って)", query)
                and not self.names.named(t)]
        used = [t for t in used if not any(t != u and t in u for u in used)]
        return used[0] if len(used) == 1 else None

    def _extract(self, query: str, hits: list[Hit], route: Route, said: set[str] = frozenset(),
                 briefing: bool = False, every_document: bool = False, view: bool = False,
                 named: tuple[str, ...] = (), own_words: str = "", message: str = "") -> Answer:
        """Quote the best sentences (one per document when the question spans both), items included;
        each of several places the question names (``named``: 「第23条第2項…第26条…」) gives its best sentence;
        places in ``said`` (quoted for an earlier ask of the same message) are passed over, and when the best place
        is one of them, only places within or beside it follow unless another scores within ``said_margin`` or the
        ask's ``own_words`` agree on it (``_agreed_place``); a comparison adds the other party's provision
        (``_other_party``); the best place inside each document's first one joins it, and for a ``view`` ask the lead
        over the first (``_lead_and_measure``)."""
        places = self._place_shares(query) if not every_document else {}
        every = self._score_sentences(query, hits, every_document, places, message)
        scored = [e for e in every if e[1].id not in said]
        if not scored:
            return self._abstain(hits)
        if said and self.config.said_margin is not None and every[0][1].id in said \
                and scored[0][0] < every[0][0] - self.config.said_margin:
            best = list(dict.fromkeys(e[1].id for e in scored))[:_AGREED_WITHIN]
            top, agreed = every[0][1].id, self._agreed_place(own_words, hits, best)
            scored = [e for e in scored if _near_place(e[1].id, top) or e[1].id == agreed]
            if not scored:
                return self._abstain(hits)
        chosen: list[tuple[float, Unit, str, Chunk]] = []
        window = self.config.sentence_window if briefing or view else self.config.narrow_window
        for entry in scored:
            if len(chosen) >= self.config.max_sentences or entry[0] < scored[0][0] - window:
                break
            if chosen and entry[3].doc != chosen[0][3].doc:
                continue  # the other document joins only when the question names both (below)
            if not any(self._overlap(entry[2], c[2], both=briefing or view) > 0.6 for c in chosen):  # 【再掲】
                chosen.append(entry)
        chosen = [self._first_appearance(c, chosen, scored) for c in chosen]
        defined = False  # a sentence defines the term asked about
        if _DEFINING.search(query):  # 「フィジカルAIって何？」: the sentences that define the term, not those using it
            terms = [m.group(1) or m.group(2) for m in _TERM.finditer(without_added_terms(query))]

            def defines(entry) -> bool:
                return any(f"「{t}」" in entry[2] or f"({t})" in entry[2] or f"{t}(" in entry[2] for t in terms)
            # the sentences that define it; when the ask is for the meaning alone, else the best-scored one that does
            # (a use of the term ranked just above its definition does not answer 「…とは？骨子の説明が知りたい」)
            fallback = [e for e in scored if defines(e)][:1] if self._meaning_only(without_background(query), terms) else []
            chosen = [c for c in chosen if defines(c)] or fallback or chosen
            defined = any(defines(c) for c in chosen)
        if not defined and len(quoted := _QUOTED_TERM.findall(without_added_terms(query))) == 1:
            chosen += self._term_places(quoted[0], chosen, scored)  # 「AI for Science」: each place naming it
        if chosen[0][2].endswith(_LISTS_ITEMS):
            chosen = chosen[:1]  # 「次に掲げる事務をつかさどる。」 and its items (below) answer in full
        elif _ALL_OF_IT.search(query) and len(chosen[0][3].sentences()) <= 5:  # 「全部知りたい」: the whole place
            top = chosen[0][3]
            chosen = [(0.0, u, sent, top) for u, sent in top.sentences()] + [c for c in chosen if c[3] is not top]
        if _mentions_both_documents(query, self.names):
            named_laws = [d for d in self.names.named(query) if d in self.names.laws] or self.names.laws[:1]
            for doc in (*self.names.plans[:1], *named_laws):
                if not any(c[3].doc == doc for c in chosen):
                    chosen += [e for e in scored if e[3].doc == doc and (self.config.both_margin is None
                               or e[0] >= scored[0][0] - self.config.both_margin)][:1]
        elif briefing and self.config.briefing_margin:  # the best of each other document, when close to the top
            docs = {c[3].doc for c in chosen}  # (a legal ask: each document's best within legal_margin, 民法・刑法 too)
            shares = self.retriever.index.document_shares(self.retriever.embedder.query(query)) \
                if self.config.briefing_share and not every_document else {}
            docs |= {d for d, share in shares.items() if share < self.config.briefing_share}
            text_top = max(self._text_score(e, places) for e in scored)
            for entry in scored:
                margin = self.config.legal_margin if every_document else self.config.briefing_margin
                if entry[3].doc not in docs and self._text_score(entry, places) >= text_top - margin:
                    docs.add(entry[3].doc)
                    chosen.append(entry)
        if len(named) > 1:  # every place named is quoted, not only the best-scored one
            for ref in named:
                if not any(id_matches(c[1].id, ref) for c in chosen):
                    chosen += [e for e in scored if id_matches(e[1].id, ref)][:1]
        if _COMPARING.search(without_added_terms(query)):  # 「事業者と国民とで違いは」: each party's provision
            chosen += self._other_party(query, chosen, scored)
        chosen += self._lead_and_measure(chosen, scored, view, places)  # a measure under a lead; for a view, the lead
        chosen += self._same_subject(query, chosen, scored)  # 第6条第1項 → 第3項: the subject asked about again
        if self.config.place_window:  # more of a quoted place: its other sentences close to the top, next to it
            extra = [e for e in scored if e[0] >= scored[0][0] - self.config.place_window and e not in chosen
                     and any(e[1].id == c[1].id for c in chosen)
                     and not any(self._overlap(e[2], c[2]) > 0.6 for c in chosen)][:self.config.place_extra]
            for entry in extra:
                at = max(i for i, c in enumerate(chosen) if c[1].id == entry[1].id)
                chosen.insert(at + 1, entry)
        lines, cites = [], {}
        for _, unit, sent, chunk in chosen:
            if sent.startswith(_CONTINUATION):  # 「ただし、…」 needs the sentence it qualifies
                before = split_sentences(unit.text)
                at = before.index(sent) if sent in before else 0
                if at and not any(before[at - 1] == c[2] for c in chosen):
                    lines.append(Line.at(strip_marker(before[at - 1]), unit))
            first_of_doc = next(c for c in chosen if c[3].doc == chunk.doc)[2] == sent
            referred = self._paragraphs_referred(unit, sent) if first_of_doc and _PROCEDURE.search(query) else []
            for prior in referred:  # 「変更の手続は？」→「前二項の規定は、…変更について準用する。」 and the two
                if not any(c[1].id == prior.id for c in chosen) and prior.id not in cites:
                    lines.append(Line.at(strip_marker(prior.text), prior))
                    cites[prior.id] = Citation(prior.id, prior.label, self._place_text(prior))
            lines.append(Line.at(strip_marker(sent), unit))
            cites.setdefault(unit.id, Citation(unit.id, unit.label, self._place_text(unit)))
            for step in self._next_steps(unit) if first_of_doc and _PROCEDURE.search(query) else []:
                if not any(c[1].id == step.id for c in chosen) and step.id not in cites:  # 第18条第3項 → 第4項
                    lines.append(Line.at(strip_marker(step.text), step))
                    cites[step.id] = Citation(step.id, step.label, self._place_text(step))
            after = split_sentences(unit.text)
            at = after.index(sent) if sent in after else -1
            if 0 <= at < len(after) - 1 and after[at + 1].startswith("ただし") \
                    and not any(after[at + 1] == c[2] for c in chosen):  # a proviso belongs to its rule
                lines.append(Line.at(strip_marker(after[at + 1]), unit))
            if sent.endswith(_LISTS_ITEMS):
                for item in (u for u in chunk.units if u.id.startswith(unit.id + ".")):
                    lines.append(Line.at(item.text, item))
                    cites.setdefault(item.id, Citation(item.id, item.label, self._place_text(item)))
        return Answer(tuple(dict.fromkeys(lines)), False, tuple(cites.values()), (), 0.0, route.name)  # an item once

    def _first_appearance(self, entry: tuple, chosen: list, scored: list) -> tuple:
        """A measure re-listed with 【再掲】 is quoted from its first appearance, unless a measure beside the
        re-listed one is quoted too (then the section it was re-listed in is what the answer is about)."""
        measure = self.finder.by_id.get(entry[1].id)
        if measure is None or not measure.repeated:
            return entry
        first = self.finder.original(measure)
        beside = any(_parent(c[1].id) == _parent(entry[1].id) and c[1].id != entry[1].id for c in chosen)
        found = next((e for e in scored if e[1].id == first.id), None)
        return entry if first is measure or beside or found is None or any(c[1].id == first.id for c in chosen) \
            else found

    def _term_places(self, term: str, chosen: list, scored: list) -> list:
        """For a term the ask quotes that only a few places use (``quoted_places``): the best sentence using it of
        each such place not yet quoted (「AI for Science」 is in 第3章第2節's lead and its measure (2)②)."""
        texts = {sec.id: sec.text for sec in self.corpus if term in sec.text}
        if not texts or len(texts) > self.config.quoted_places or term in self._defines:
            return []  # a term defined (「データセット(…をいう。)」) is answered by its definition
        quoted, added = {c[1].id for c in chosen}, []
        for entry in scored:
            if entry[1].id in texts and entry[1].id not in quoted and term in entry[2] \
                    and entry[0] >= scored[0][0] - self.config.quoted_window:
                quoted.add(entry[1].id)
                added.append(entry)
        return added

    def _other_party(self, query: str, chosen: list, scored: list) -> list:
        """For an ask comparing parties (「事業者と国民とで」): the best place whose provision is headed by another
        party compared (「国民は、…」 beside 「…(以下「活用事業者」という。)は、…」), when the first is headed by one too."""
        parties = _compared(self._words(without_added_terms(query)))
        first = _topic(chosen[0][2])
        if first is None:
            return []

        def compared(topic: str | None) -> bool:
            return bool(topic) and topic != first and self._words(topic)[-1] in parties
        return [e for e in scored if compared(_topic(e[2])) and not any(c[1].id == e[1].id for c in chosen)][:1]

    def _agreed_place(self, own_words: str, hits: list[Hit], best: list[str]) -> str | None:
        """The place the ask's own words, read alone, rank first, when it is one of the ``best`` places not yet quoted
        for the whole ask (``_AGREED_WITHIN``): 「…事業者の責務は。 国民の責務は」 asks for 第8条, not beside the 第7条 already quoted;
        「…その内容は」 alone ranks no place it agrees on."""
        if not own_words:
            return None
        alone = self._score_sentences(own_words, hits, False, self._place_shares(own_words))
        return alone[0][1].id if alone and alone[0][1].id in best else None

    def _meaning_only(self, query: str, terms: list[str]) -> bool:
        """The question asks what the terms mean and nothing more (「ロボットのこと？」 asks more)."""
        own = set(self.tokenize(" ".join(terms)))
        rest = self.tokenize(_REFERENCE_TEXT.sub(" ", _DEFINING.sub(" ", query)))
        return all(t in own or t in _GENERIC or t in _ABOUT_WORDS or t in FUNCTION_NOUNS for t in rest)

    def _paragraphs_referred(self, unit: Unit, sentence: str) -> list:
        """The paragraphs a sentence opening with 前項 / 前二項 applies: 第18条第5項 → 第3項, 第4項."""
        m, place = _EARLIER_PARAGRAPHS.match(strip_marker(sentence)), re.fullmatch(r"(\w+:[\w.-]+?)\.(\d+)", unit.id)
        if not (m and place):
            return []
        count, number = {"": 1, "二": 2, "三": 3}[m.group(1)], int(place.group(2))
        ids = [f"{place.group(1)}.{k}" for k in range(max(1, number - count), number)]
        return [self.corpus[i] for i in ids if i in self.corpus]

    def _next_steps(self, unit: Unit) -> list:
        """The paragraphs after this one that take it up (「前項の閣議の決定があったときは、…公表」): a procedure's
        next steps, each opening with 前項 about the one before it."""
        place = re.fullmatch(r"(\w+:[\w.-]+?)\.(\d+)", unit.id)
        steps, number = [], int(place.group(2)) if place else 0
        while place and (nxt := f"{place.group(1)}.{number + 1}") in self.corpus \
                and re.match(r"[^、。]{0,20}、?前項の(?!規定)", self.corpus[nxt].text):
            steps.append(self.corpus[nxt])
            number += 1
        return steps

    def _overlap(self, a: str, b: str, both: bool = False) -> float:
        """The words two sentences share, over the shorter one's (``both``: over the words of both, so that a short
        sentence sharing a few words with a long one is no repeat of it)."""
        ta, tb = self.terms.words(a), self.terms.words(b)
        return len(ta & tb) / max(1, len(ta | tb) if both else min(len(ta), len(tb)))

    def _place_text(self, unit: Unit) -> str:
        return self.corpus.full_text(unit.id) if unit.id in self.corpus else unit.text

    # ---- abstention ---------------------------------------------------------------------
    def _best_similarity(self, query: str, hits: list[Hit]) -> float:
        """Highest cosine between the question and any sentence of the top hits."""
        index = self.retriever.index
        qvec = self.retriever.embedder.query(query)
        best = -1.0
        for hit in hits[:self.config.candidate_chunks]:
            best = max(best, float((index.sentence_rows(hit.chunk) @ qvec).max()))
        return best

    def _out_of_scope(self, query: str, hits: list[Hit], view: bool = False) -> bool:
        """No hit, words the documents never use (a long ask's at a looser bank bar), or a weak best match; a place
        named explicitly only for what no place holds (a company, an official). ``view``: the ask is for a view, which
        today's affairs or another country do not put out of scope alone."""
        if not hits:
            return True
        if any(h.referenced for h in hits) and not self._named_in_background(query):
            return self.scope.declined(query)  # a company or an official is in no place, even one named
        nearest, margin = self._bank_closeness(query)
        familiar = nearest >= self.config.familiar_similarity and margin >= self.config.familiar_margin
        similarity, least = self.config.long_familiar  # a story's everyday words are no sign of another subject
        words_familiar = familiar or (len(without_added_terms(query)) >= self.config.long_ask
                                      and nearest >= similarity and margin >= least)
        return (margin < -self.config.negative_margin or self.scope.off_topic(query, view)
                or (not words_familiar and self.scope.unfamiliar(query))
                or (not familiar and (self.scope.consequence(query)
                                      or self.scope.background(asked(query) if view else query)))
                or self._best_similarity(query, hits) < self.config.min_confidence)

    def _named_in_background(self, query: str) -> bool:
        """The places the message names by number all stand in a background clause (「AI法の第3条に…が出てくるけど、
        著作権法だと罰金は？」): what is asked is not about them."""
        return bool(find_references(query, self.names)) and not find_references(without_background(query), self.names)

    def _bank_link(self, query: str, hits: list[Hit]) -> tuple[str, ...]:
        """The sentences a bank question was written from, when that question is clearly the nearest to this one:
        near (``bank_link_similarity``), nearer by ``bank_link_margin`` than any question of another place or any
        near miss, and its place among the top ``bank_link_hits`` hits, in the top hit's document (retrieval agrees)."""
        index, cfg = self.retriever.index, self.config
        sims, order = self._nearest_bank(query)
        nearest = next((i for i in order if index.bank[i].id is not None), None)
        if nearest is None or sims[nearest] < cfg.bank_link_similarity:
            return ()
        entry = index.bank[nearest]
        other = next((i for i in order if index.bank[i].id != entry.id), None)
        if other is None or index.bank[other].id is None or sims[nearest] - sims[other] < cfg.bank_link_margin:
            return ()
        if not any(id_matches(cid, entry.id) or id_matches(entry.id, cid)  # the top hit's document: the link
                   for hit in hits[:cfg.bank_link_hits] if hit.chunk.doc == hits[0].chunk.doc  # never switches it
                   for cid in hit.chunk.ids):
            return ()
        return entry.answer

    def _bank_group(self, query: str) -> str | None:
        """The group (4つの基本的な方針, 第3章第1節(1): a heading over parts, no text of its own) whose overview
        questions in the bank are clearly the nearest: near (``bank_link_similarity``) and nearer by ``group_margin``
        than any question of another place (its parts' included) or any near miss."""
        index, cfg = self.retriever.index, self.config
        sims, order = self._nearest_bank(query)
        entry = index.bank[order[0]]
        if entry.id is None or entry.id not in self._groups or sims[order[0]] < cfg.bank_link_similarity:
            return None
        other = next((i for i in order if index.bank[i].id != entry.id), None)
        return entry.id if other is None or sims[order[0]] - sims[other] >= cfg.group_margin else None

    def _nearest_bank(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """The query's cosine with every bank question, and the 50 nearest, nearest first."""
        sims = self.retriever.index.bank_similarities(self.retriever.embedder.query(query))
        return sims, np.argsort(-sims)[:50]

    def _bank_closeness(self, query: str) -> tuple[float, float]:
        """(cosine to the nearest bank question a place answers or in-scope evidence question, how much nearer that is
        than the nearest near-miss out-of-scope question: negative when a near miss is closer)."""
        index = self.retriever.index
        vector = self.retriever.embedder.query(query)
        sims = index.bank_similarities(vector)
        negative = index.bank_negative
        if negative.all():
            return 0.0, -1.0
        nearest = float(sims[~negative].max())
        if index.in_scope_vectors is not None and len(index.in_scope_vectors):
            nearest = max(nearest, float((index.in_scope_vectors @ vector).max()))
        return nearest, nearest - float(sims[negative].max()) if negative.any() else 1.0

    def _abstain(self, hits: list[Hit], related: Answer | None = None) -> Answer:
        lines = [Line(f"ご質問の内容は、{self.collection}の中には書かれていないため、お答えできません。")]
        quoted = [line for line in related.lines if line.places][:self.config.related_lines] \
            if related and not related.abstained else []
        if quoted:
            shown = {place for line in quoted for place, _ in line.places}
            lines += [Line("関連する記述は次のとおりです。"), *quoted]
            return Answer(tuple(lines), True, tuple(c for c in related.citations if c.id in shown), (), 0.0,
                          "abstain")
        near = tuple(dict.fromkeys((h.chunk.ids[0], h.chunk.label) for h in hits[:2] if h.chunk.ids))
        lines += [Line("近い話題は次の箇所にあります: ", near)] if near else []
        return Answer(tuple(lines), True, (), (), 0.0, "abstain")

    # ---- optional LLM -------------------------------------------------------------------
    def _with_llm(self, question: str, extractive: Answer, hits: list[Hit]) -> Answer:
        try:
            return generate_grounded(self.llm, question, hits, self.corpus, fallback=extractive)
        except LLMError:
            return extractive  # llm.py logs the failure
