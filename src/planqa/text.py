"""Japanese text handling: one normalisation, numeral conversion, fugashi tokenization."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "normalize",
    "kanji_to_int",
    "int_to_kanji",
    "arabic_numerals",
    "Tokenizer",
    "tokenizer",
    "TOKENIZER_VERSION",
    "TOKEN_FORM",
]

_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = re.compile(r"[〇一二三四五六七八九十百千]+")
# Numbers inside legal references: 第十八条, 第二項, 第三号, 第四章, 令和七年, 附則第一条 ...
_REFERENCE = re.compile(r"(第|令和|平成|昭和)([〇一二三四五六七八九十百千]+)(?=[条項号章節年])")
_BRANCH = re.compile(r"条の([〇一二三四五六七八九十]+)")


def normalize(text: str) -> str:
    """NFKC (full-width → ASCII, ideographic space → space), runs of spaces collapsed.

    >>> normalize("ＡＩ法　第１８条  の目的 ")
    'AI法 第18条 の目的'
    """
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def kanji_to_int(kanji: str) -> int:
    """Convert a kanji numeral (up to 9999) to int: 二十八 → 28, 百三十 → 130."""
    if not kanji or any(ch not in _KANJI_DIGITS and ch not in _KANJI_UNITS for ch in kanji):
        raise ValueError(f"not a kanji numeral: {kanji!r}")
    total, digit = 0, None
    for ch in kanji:
        if ch in _KANJI_DIGITS:
            digit = _KANJI_DIGITS[ch] if digit is None else digit * 10 + _KANJI_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _KANJI_UNITS[ch]
            digit = None
    return total + (digit or 0)


def int_to_kanji(number: int) -> str:
    """Convert 1..9999 to a kanji numeral as statutes write it: 18 → 十八."""
    if not 0 < number < 10000:
        raise ValueError(f"out of range: {number}")
    digits = "〇一二三四五六七八九"
    out = ""
    for unit, mark in ((1000, "千"), (100, "百"), (10, "十")):
        q, number = divmod(number, unit)
        if q:
            out += ("" if q == 1 else digits[q]) + mark
    return out + (digits[number] if number else "")


def arabic_numerals(text: str) -> str:
    """Rewrite kanji numerals in legal references as arabic: 第十八条 → 第18条."""
    text = _REFERENCE.sub(lambda m: f"{m.group(1)}{kanji_to_int(m.group(2))}", text)
    return _BRANCH.sub(lambda m: f"条の{kanji_to_int(m.group(1))}", text)


# Parts of speech that carry no content for retrieval (unidic pos1).
_STOP_POS = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白", "代名詞", "連体詞", "感動詞", "接続詞"})
_STOP_POS2 = frozenset({"非自立可能", "助動詞語幹"})  # する, いる, なる, よう …
TOKENIZER_VERSION = "2"
TOKEN_FORM = "lemma"  # the token form of BM25 and the learned vocabulary; lemma vs surface by eval/bench.py (README)


class Tokenizer:
    """fugashi + unidic-lite word splitter.

    ``form`` selects the token form: ``"surface"`` (as written) or ``"lemma"``
    (dictionary form, so 推進する/推進し match). ``content_only`` drops particles,
    auxiliaries and punctuation.
    """

    def __init__(self, form: str = "surface", content_only: bool = True) -> None:
        if form not in ("surface", "lemma"):
            raise ValueError(f"form must be 'surface' or 'lemma', not {form!r}")
        import fugashi  # heavy C extension: load on first use

        self.form = form
        self.content_only = content_only
        self._tagger = fugashi.Tagger()

    def __call__(self, text: str) -> list[str]:
        return self.tokenize(text)

    def tokenize(self, text: str, nouns_only: bool = False) -> list[str]:
        """Split normalised text into tokens (numerals made arabic first); ``nouns_only``: its nouns only."""
        tokens = []
        for word in self._tagger(arabic_numerals(normalize(text))):
            if self.content_only and (word.feature.pos1 in _STOP_POS or word.feature.pos2 in _STOP_POS2):
                continue
            if nouns_only and word.feature.pos1 != "名詞":
                continue
            token = word.surface
            if self.form == "lemma":
                lemma = word.feature.lemma
                # unidic lemmas may carry a gloss: "スタートアップ-startup"
                token = lemma.split("-")[0] if lemma and lemma != "*" else token
            token = token.lower()
            if token.strip():
                tokens.append(token)
        return tokens


@lru_cache(maxsize=4)
def tokenizer(form: str = "surface", content_only: bool = True) -> Tokenizer:
    """Shared tokenizer instance (building a fugashi Tagger costs ~50 ms)."""
    return Tokenizer(form=form, content_only=content_only)
