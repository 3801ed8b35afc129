"""The query stage: a message is read once into a frozen Query that every later stage uses.

Reading, in order: the message is validated and cleaned (``clean_question``); hiragana spellings of the
documents' words are written as the documents write them (kana); quiz markers and multiple-choice options are
split off (quiz); the message is split into its asks (asks); each ask is normalised, gets the documents' terms for
its everyday words appended (normalize, with the learned vocabulary), its explicit references and its route
(routes). Nothing after this stage normalises the message again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Mapping

from .asks import BACKGROUND, split_asks
from .errors import InvalidQuestionError
from .kana import KanaReader
from .ministries import SHORT_NAMES
from .names import DocumentNames
from .normalize import ADDED, find_references, normalize_query, without_added_terms
from .quiz import Option, parse_options, strip_quiz_markers
from .routes import Route, detect_route, ministry_mentions
from .scope import LEGAL_CONSEQUENCE
from .text import TOKEN_FORM, tokenizer
from .vocab import Vocabulary

__all__ = ["Ask", "Query", "QueryReader", "clean_question", "MAX_QUESTION_CHARS"]

MAX_QUESTION_CHARS = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# an ask for a view, a judgement or a prediction: answered with what the documents say, framed as such
_OPINION = re.compile(r"べき(?=[でじだかなのと?？。、]|$)|見解|認識|お考え|どう(?:考え|思|見て|捉え)|"
                      r"大丈夫な[のん]|意味[ってがはも]{0,2}あ[るん]")  # each has a test;
# べき before a noun asks for a fact (「計画で定めるべき事項は」「講ずべき施策」)
_OWN_OFFICE = re.compile(r"(?:当|弊|うちの)(?:省|庁|室|事務局)")  # 「当省」「当室」: the body the message names
_BRIEFING_CHARS = 60  # an ask this long (a Diet question with its preamble) is answered as a briefing
GENERIC = 0.1  # a noun the bank's questions use for this share of places or more names no subject (国 0.89, 計画 0.37)
_RARE_CHUNKS = 3  # a noun of an ask's preamble that the documents use in at most this many chunks (AISI) is heard
_PREAMBLE_TERMS = 3  # with the ask, at most this many (90 sets: MRR +0.097, key facts +0.053, precision +0.121)


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


@dataclass(frozen=True)
class Ask:
    """One question of a message, read: its words, the normalised form retrieval and the routes use, the places
    it names, its route, and whether it asks for a view (「…すべきではないか」) or is long enough for a briefing;
    ``legal`` asks what follows in law (liability, crimes): a briefing that looks in every document (民法, 刑法)."""

    text: str
    normalized: str
    references: tuple[str, ...]
    route: Route
    opinion: bool = False
    briefing: bool = False
    legal: bool = False
    fired: tuple[str, ...] = ()  # the rules that shaped this reading (route, flags, appended terms by source)
    written: str | None = None  # the ask as the message wrote it, when the kana reading respelled it (「じむ」)
    background: str = ""  # a chat message's short statement before its one ask (「…が心配です。」), or the story before
    # an ask with no subject of its own: what the ask is about, heard by retrieval and the composer, not the scope checks
    preamble: tuple[str, ...] = ()  # the rare nouns of a preamble normalising left out (AISI): heard likewise

    @property
    def added(self) -> tuple[str, ...]:
        """The documents' terms and names the query stage appended (learned vocabulary, table, ministry names)."""
        return tuple(self.normalized.split(ADDED, 1)[1].split()) if ADDED in self.normalized else ()


@dataclass(frozen=True)
class Query:
    """A whole message, read once. ``asks`` is empty for a multiple-choice item (stem and options go together)
    and for a message in another language (``japanese`` False)."""

    message: str
    read: str
    stem: str
    options: tuple[Option, ...] = ()
    asks: tuple[Ask, ...] = ()
    japanese: bool = True
    fired: tuple[str, ...] = ()  # message-level rules (kana rewrite, quiz options, split into asks)

    def rules(self) -> tuple[str, ...]:
        """Every rule that fired reading the message, its asks' included, each once (debugging, eval reports)."""
        return tuple(dict.fromkeys([*self.fired, *(rule for ask in self.asks for rule in ask.fired)]))

    def to_json(self) -> dict:
        """How the message was read: asks with their normalised text, references, route and the rules that fired."""
        return {"message": self.message, "read": self.read, "options": [list(o) for o in self.options],
                "asks": [{"text": a.text, "normalized": a.normalized, "references": list(a.references),
                          "route": a.route.name, "opinion": a.opinion, "briefing": a.briefing, "legal": a.legal,
                          "background": a.background,
                          "fired": list(a.fired)} for a in self.asks],
                "fired": list(self.rules())}


class QueryReader:
    """Reads messages with what the corpus provides: its kana readings, its learned vocabulary and the ministry
    names its table knows. Not thread-safe (the kana tagger is shared): the assistant reads under its lock."""

    def __init__(self, kana: KanaReader, vocabulary: Vocabulary, known_ministries: set[str],
                 names: DocumentNames = DocumentNames(), spread: Mapping[str, float] | None = None,
                 chunks_using: Mapping[str, int] | None = None) -> None:
        self.kana = kana
        self.spread = spread or {}  # each bank word: the share of places whose bank questions use it
        self.chunks_using = chunks_using or {}  # each noun of the documents: how many chunks use it
        self.names = names
        self.vocabulary = vocabulary
        self.known_ministries = known_ministries
        self._tokenize = tokenizer(TOKEN_FORM)
        self._surface = tokenizer("surface")  # a word as written (広島; its lemma ヒロシマ reads as another place)

    def read(self, message: str) -> Query:
        """The Query for an already cleaned message (``clean_question``)."""
        if not _JAPANESE.search(message):
            return Query(message, message, message, japanese=False)
        heard = self.kana.rewrite(message)  # 「こくみんは なにを」 → 「国民は なにを」
        read = self.names.spelled(heard)  # 「AI推心法」 → AI推進法
        stem, options, parts = _split(read)
        own = self._own_office(stem)
        if own:  # 「厚労省の担当者です。…当省が主担当の取組は」
            parts = [_OWN_OFFICE.sub(own, p) for p in parts]
        asks = self._carry_ministries(tuple(self.ask(text) for text in parts))
        if len(parts) == 1 and parts[0] != stem and stem.endswith(parts[0]) \
                and len(before := stem[:-len(parts[0])].strip()) <= BACKGROUND:
            asks = (replace(asks[0], background=before),)
        elif story := _story(stem, parts):  # 「…投資詐欺に使われてんねん。AI法で国がなんとかしてくれるん？」: an ask
            asks = tuple(a if self._has_subject(a.text) else replace(a, background=story, fired=a.fired + ("story",))
                         for a in asks)  # with no subject of its own hears the story before it
        if read != message and asks:  # the bank holds questions in hiragana too: retrieval also hears it as written
            written = _split(message)[2]
            if len(written) == len(asks):
                asks = tuple(replace(a, written=w) if w != a.text else a for a, w in zip(asks, written))
        fired = ["kana"] if heard != message else []
        fired += ["name spelt"] if read != heard else []
        fired += [f"quiz:{len(options)} options"] if options else []
        fired += [f"asks:{len(parts)}"] if len(parts) > 1 else []
        fired += [f"当省→{own}"] if own else []
        fired += ["同法→" + next((m for m in self.names.pattern.findall(" ".join(parts))), "?")] \
            if "同法" in stem and not any("同法" in p for p in parts) else []
        return Query(message, read, stem, tuple(options), asks, fired=tuple(fired))

    def _carry_ministries(self, asks: tuple[Ask, ...]) -> tuple[Ask, ...]:
        """A later ask naming no ministry and nothing of its own asks about the one ministry an earlier ask listed
        measures for (「厚労省が◎の取組は。また、◎ではないが関係府省として入っているものは」), when it reads so; its text
        then says the ministry."""
        out, listed = [], ()
        for ask in asks:
            if len(listed) == 1 and ask.route.name != "ministry_list" and not ask.references \
                    and not self._has_subject(ask.text):
                again = self.ask(f"{listed[0]}が{ask.text}")
                ask = replace(again, fired=(*again.fired, "府省→前の問い")) if again.route.name == "ministry_list" else ask
            listed = ask.route.ministries if ask.route.name == "ministry_list" else listed
            out.append(ask)
        return tuple(out)

    def _has_subject(self, text: str) -> bool:
        """The ask names something of its own: a noun the bank's questions use for few places or none (詐欺, 相談),
        not only the documents' names and nouns people ask anything with (国, AI, 法)."""
        rest = self.names.pattern.sub(" ", text)
        return not self.spread or any(self.spread.get(w, 0.0) < GENERIC
                                      for w in self._tokenize.tokenize(rest, nouns_only=True))

    def _own_office(self, stem: str) -> str | None:
        """The body 「当省」「弊庁」 stands for: the one the asker named first, in the first sentence before it that names
        any (「警察庁の者です。…総務省、消費者庁…のどこに当庁の取組を」 → 警察庁); None when that sentence names several."""
        if not (mention := _OWN_OFFICE.search(stem)):
            return None
        for sentence in re.split(r"(?<=[。！？!?])", stem[:mention.start()]):
            if named := ministry_mentions(sentence, self.known_ministries):
                return named[0] if len(named) == 1 else None
        return None

    def ask(self, text: str) -> Ask:
        """One ask read on its own (also used for a quiz stem, a true/false statement or a part of an ask)."""
        normalized = normalize_query(text, self.vocabulary, self.names)
        references = tuple(find_references(normalized, self.names))
        route = detect_route(normalized, self.known_ministries, bool(references), self.names)
        opinion = bool(_OPINION.search(text))
        legal = bool(LEGAL_CONSEQUENCE.search(text))  # 「誰が責任を負う」: the AI documents and a general law
        long = len(text) >= _BRIEFING_CHARS
        ask = Ask(text, normalized, references, route, opinion, opinion or legal or long, legal,
                  preamble=tuple(self._preamble_terms(text, normalized)))
        return replace(ask, fired=self._fired(ask, long))

    def _preamble_terms(self, text: str, normalized: str) -> list[str]:
        """The nouns of the preamble that normalising left out which the documents use in few chunks
        (``_RARE_CHUNKS``): 「…AISIの機能強化がうたわれていると聞いておりますが、人員を…予算措置と法的な位置付けをどうする
        のか」 asks about AISI, which only the preamble names."""
        whole = normalize_query(text, None, self.names, focus=False)
        if not self.chunks_using or whole == without_added_terms(normalized):
            return []
        in_ask = set(self._surface.tokenize(normalized, nouns_only=True))
        unnamed = self.names.pattern.sub(" ", whole)  # the documents' names say where to look, not about what
        rare = [w for w in dict.fromkeys(self._surface.tokenize(unnamed, nouns_only=True))
                if w not in in_ask and len(w) >= 2 and 1 <= self.chunks_using.get(w, 0) <= _RARE_CHUNKS]
        return [m.group(0) if (m := re.search(re.escape(w), unnamed, re.IGNORECASE)) else w  # AISI, not aisi
                for w in rare[:_PREAMBLE_TERMS]]

    def _fired(self, ask: Ask, long: bool) -> tuple[str, ...]:
        """Names of the rules behind a reading: the route, the flags, each appended term with its source
        (``vocab``: learned from the bank; ``table``: the hand-kept table; ``name``: a ministry's other name), and
        the preamble's rare nouns retrieval hears (``preamble``)."""
        fired = [f"route:{ask.route.name}"] + [f"ref:{r}" for r in ask.references]
        fired += [flag for flag, on in (("opinion", ask.opinion), ("legal", ask.legal), ("long", long)) if on]
        learned = set(self.vocabulary.expand(self._tokenize(without_added_terms(ask.normalized))))
        names = {n for pair in SHORT_NAMES.items() for n in pair}
        for term in ask.added:
            fired.append(f"{'vocab' if term in learned else 'name' if term in names else 'table'}:{term}")
        fired += [f"preamble:{term}" for term in ask.preamble]
        return tuple(fired)

    def normalize(self, text: str, focus: bool = True) -> str:
        """Normalise other text the same way (a follow-up joined with the question it follows; a whole message,
        preamble included, with ``focus`` off)."""
        return normalize_query(text, self.vocabulary, self.names, focus)


def _story(stem: str, parts: list[str]) -> str:
    """What a message says before its first ask, when the first ask is written as it stands in the message."""
    start = stem.find(parts[0]) if parts else -1
    return stem[:start].strip() if start > 0 else ""


def _split(text: str) -> tuple[str, list[Option], list[str]]:
    """A message's stem, its multiple-choice options, and its asks (none for a multiple-choice item)."""
    stem, options = parse_options(strip_quiz_markers(text) or text)
    return stem, options, [] if options else split_asks(stem)
