"""The query stage: a message is read once into a frozen Query that every later stage uses.

Reading, in order: the message is validated and cleaned (``clean_question``); hiragana spellings of the
documents' words are written as the documents write them (kana); quiz markers and multiple-choice options are
split off (quiz); the message is split into its asks (asks); each ask is normalised, gets the documents' terms for
its everyday words appended (normalize, with the learned vocabulary), its explicit references and its route
(routes). Nothing after this stage normalises the message again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .asks import split_asks
from .errors import InvalidQuestionError
from .kana import KanaReader
from .names import DocumentNames
from .normalize import ADDED, find_references, normalize_query
from .quiz import Option, parse_options, strip_quiz_markers
from .routes import Route, detect_route
from .scope import LEGAL_CONSEQUENCE
from .vocab import Vocabulary

__all__ = ["Ask", "Query", "QueryReader", "clean_question", "MAX_QUESTION_CHARS"]

MAX_QUESTION_CHARS = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# an ask for a view, a judgement or a prediction: answered with what the documents say, framed as such
_OPINION = re.compile(r"べき(?:では|じゃ|で)?(?:ない|な)?[かの]?|見解|認識")  # each alternative has a test
_BRIEFING_CHARS = 60  # an ask this long (a Diet question with its preamble) is answered as a briefing


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


class QueryReader:
    """Reads messages with what the corpus provides: its kana readings, its learned vocabulary and the ministry
    names its table knows. Not thread-safe (the kana tagger is shared): the assistant reads under its lock."""

    def __init__(self, kana: KanaReader, vocabulary: Vocabulary, known_ministries: set[str],
                 names: DocumentNames = DocumentNames()) -> None:
        self.kana = kana
        self.names = names
        self.vocabulary = vocabulary
        self.known_ministries = known_ministries

    def read(self, message: str) -> Query:
        """The Query for an already cleaned message (``clean_question``)."""
        if not _JAPANESE.search(message):
            return Query(message, message, message, japanese=False)
        read = self.kana.rewrite(message)  # 「こくみんは なにを」 → 「国民は なにを」
        stem, options = parse_options(strip_quiz_markers(read) or read)
        asks = () if options else tuple(self.ask(text) for text in split_asks(stem))
        return Query(message, read, stem, tuple(options), asks)

    def ask(self, text: str) -> Ask:
        """One ask read on its own (also used for a quiz stem, a true/false statement or a part of an ask)."""
        normalized = normalize_query(text, self.vocabulary, self.names)
        references = tuple(find_references(normalized, self.names))
        route = detect_route(normalized, self.known_ministries, bool(references), self.names)
        opinion = bool(_OPINION.search(text))
        legal = bool(LEGAL_CONSEQUENCE.search(text))  # 「誰が責任を負う」: the AI documents and a general law
        return Ask(text, normalized, references, route, opinion, opinion or legal or len(text) >= _BRIEFING_CHARS,
                   legal)

    def normalize(self, text: str) -> str:
        """Normalise other text the same way (a follow-up joined with the question it follows)."""
        return normalize_query(text, self.vocabulary, self.names)
