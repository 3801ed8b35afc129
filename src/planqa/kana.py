"""Words written in kana, rewritten in the kanji the documents use.

Questions in やさしい日本語 or from voice input spell content words in hiragana (「こくみんは なにを
しなければ ならないですか」「AIせんりゃくほんぶの いちばん うえの ひと」). Neither retriever matches
them: BM25 sees different tokens and the small embedder reads kana poorly. The documents' own words,
indexed by their reading, turn a hiragana run back into kanji (こくみん → 国民, せんりゃくほんぶ →
戦略本部, ふぃじかる → フィジカル; the question bank's katakana words too: でぃーぷふぇいく → ディープフェイク); a
run that is not wholly made of the documents' words is left to the dictionary's lemma when the tagger reads it as one
noun (きけん → 危険), else kept as written. Noun compounds of the documents are read whole and in parts (ほんぶちょう →
本部長 of 人工知能戦略本部長), the short phrases they quote whole (かいよりはじめよ → 隗より始めよ), Latin letters by their names (えーあいほう → AI法).
Latin words are written in the documents' case (ai法 → AI法, aisi → AISI), and a long katakana word mistyped by one
letter as the documents spell it (エージョント → エージェント), a law's name with one wrong kanji likewise
(個人情報保獲法 → 個人情報保護法). In a message
written mostly in hiragana, a run the documents' words do not spell whole is read word by word: the documents' words
inside it, and the nouns and verbs the documents or the question bank write in kanji (にせもの → 偽物, みわける →
見分ける, ばっそく → 罰則): a noun as they spell its reading (さぎ → 詐欺, where the dictionary's lemma is 鷺), a verb
whose kanji stem they write (とりしまって → 取り締まって). A time word the dictionary reads a run as stays a time word
(きのう → 昨日, not the documents' 機能).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cached_property
from typing import Iterable

from jaconv import alphabet2kana, hira2kata, kata2hira
from rapidfuzz.distance import Levenshtein

from .text import kanji_to_int, tokenizer

__all__ = ["KanaReader"]

_HIRAGANA_RUN = re.compile(r"(?<![\u4e00-\u9fff々〆ヶ])[ぁ-ゖー]{3,}")  # not the okurigana of a kanji word
_KANJI = re.compile(r"[\u4e00-\u9fff]")
_KANJI_RUN = re.compile(r"[\u4e00-\u9fff々]{2,}")
_JAPANESE = re.compile(r"[ぁ-ゖァ-ヶー\u4e00-\u9fff]")
_MOSTLY_KANA = 0.7  # a message this much hiragana (「えーあいほうってばっそくあるの」) is read word by word,
_FEW_KANJI = 0.15  # and this little kanji: who writes 仕事 and 政府 in kanji means 「そのへんどう」 as kana (not 変動)
_KATAKANA_WORD = re.compile(r"[ァ-ヶー]{3,}")
_QUOTED = re.compile(r"「([^「」]{2,12})」")  # a phrase the documents quote (a slogan, a named principle)
_KATAKANA_TYPO = 5  # a katakana word this long that no text holds, one edit from one of the documents' (エージョント)
_KANJI_TYPO = 5  # a law's name (…法) this long that no text holds, one kanji from one the documents or the bank write
_COMPOUND_TYPO = 4  # any other kanji run this long, one unreadable or unwritten kanji from one they write
_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9])")
_SURU = ("し", "さ", "す")  # a noun used as a verb (ていぎ|してる, こうふ|された) ends before these
_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞"})
# particles a run may end in (「こくみんは」「ほんぶの」), longest first
_TAILS = ("からは", "までは", "には", "では", "とは", "から", "まで", "って", "は", "の", "を", "が", "に", "で",
          "も", "と", "へ", "や", "")


# the names of the Latin letters, as a compound like 「AI法」 is read aloud (エーアイホウ)
_LETTERS = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
    "エー ビー シー ディー イー エフ ジー エイチ アイ ジェー ケー エル エム エヌ オー ピー キュー アール エス ティー ユー "
    "ブイ ダブリュー エックス ワイ ゼット").split()))


def _reading(word) -> str | None:
    """The katakana reading of a tagged word; capital Latin letters spelled out (AI → エーアイ)."""
    if word.surface.isascii() and word.surface.isalpha() and word.surface.isupper():
        return "".join(_LETTERS[ch] for ch in word.surface)
    return word.feature.kana or None


def _romaji(words: list[tuple[str, str, bool]]) -> str | None:
    """The reading of a compound that opens with a Latin word, that word read as romaji (AI法 → アイホウ, as
    「あいほう」 is typed); None when it opens otherwise or does not read wholly as kana."""
    first = words[0][0]
    kana = alphabet2kana(first.lower()) if first.isascii() else ""
    if not kana or "っ" in kana or not all("ぁ" <= ch <= "ゖ" for ch in kana):
        return None
    return hira2kata(kana) + "".join(reading for _, reading, _ in words[1:])


def _worth_reading(words: list[tuple[str, str, bool]]) -> bool:
    """A run of (surface, reading, prefix) words specific enough to spell back: Latin letters in it, or three kanji;
    not ending in a prefix (戦略 + 副 of 戦略副本部長)."""
    return not words[-1][2] and (any(s.isascii() for s, *_ in words)
                                 or len(_KANJI.findall("".join(s for s, *_ in words))) >= 3)


class KanaReader:
    """Reading → written form of every content word of the documents, and the rewrite it allows."""

    def __init__(self, words: dict[str, str], known: str = "") -> None:
        """``words``: katakana reading → written form (``learn``, stored in the index); ``known``: the documents and the
        question bank, whose spellings a word-by-word rewrite or a homophone respelling may produce."""
        self._tagger = tokenizer("surface", content_only=False)._tagger
        self.words = words
        self._known = known
        self._latin = {w.casefold(): w for w in sorted(words.values()) if w.isascii() and w.isalnum()}  # ai → AI
        self._katakana = sorted(w for r, w in words.items() if r == w and len(w) >= _KATAKANA_TYPO)
        self._stretch_cache: dict[int, frozenset[str]] = {}

    @classmethod
    def learn(cls, texts: Iterable[str], everyday: Iterable[str] = ()) -> "KanaReader":
        """Read every content word of ``texts`` (the documents) and the kanji nouns of ``everyday`` (the question
        bank); run at index build, its ``words`` stored beside the index."""
        reader = cls({})
        tagger = reader._tagger
        counts: dict[str, Counter] = defaultdict(Counter)
        texts, everyday = list(texts), list(everyday)
        for text in everyday:  # the bank's everyday words (罰則, 偽物), the documents' spelling preferred below
            for word in tagger(text):
                if word.feature.pos1 == "名詞" and len(word.feature.kana or "") >= 4 \
                        and len(word.surface) == len(_KANJI.findall(word.surface)) >= 2:  # not かいこ (こまかいこと)
                    counts[word.feature.kana][word.surface] += 1
            for word in _KATAKANA_WORD.findall(text):  # でぃーぷふぇいく → ディープフェイク
                counts[word][word] += 1
        everyday_counts = {r: sum(c.values()) for r, c in counts.items()}
        for text in texts:
            for compound in reader._compounds(text):  # AI法, AI戦略本部, 本部長: read whole, letters by their names
                for i in range(len(compound) - 1):  # and every run of its words (人工知能戦略本部長 → 本部長)
                    for part in (compound[i:j] for j in range(i + 2, len(compound) + 1)):
                        if _worth_reading(part):
                            written = "".join(s for s, *_ in part)
                            counts["".join(r for _, r, _ in part)][written] += 1
                            if romaji := _romaji(part):  # and with its letters as romaji: あいほう → AI法
                                counts[romaji][written] += 1
            for phrase in _QUOTED.findall(text):  # 「隗より始めよ」 asked as 「かいよりはじめよ」: read whole
                readings = [_reading(word) for word in tagger(phrase)]
                if all(readings) and (_KANJI.search(phrase) or phrase.isascii()):
                    counts["".join(readings)][phrase] += 1
            for word in tagger(text):
                reading = word.feature.kana
                if word.feature.pos1 in _CONTENT_POS and reading and len(reading) >= 2 \
                        and len(_KANJI.findall(word.surface)) >= 2:  # one kanji is too easily a homophone (こうした ≠ 項下)
                    counts[reading][word.surface] += 1 + everyday_counts.get(reading, 0)
                elif _KATAKANA_WORD.fullmatch(word.surface):  # ふぃじかる → フィジカル
                    counts[word.surface][word.surface] += 1
                elif len(word.surface) >= 2 and word.surface.isascii() and (reading := _reading(word)):
                    counts[reading][word.surface] += 1  # えーあい → AI
        return cls({reading: c.most_common(1)[0][0] for reading, c in sorted(counts.items())},
                   "\n".join(texts + everyday))

    def _compounds(self, text: str) -> list[list[tuple[str, str, bool]]]:
        """Runs of two or more nouns (prefixes and suffixes included) with Latin letters or three kanji in them (AI法,
        中小企業), as (surface, reading, prefix) triples."""
        runs, run, prefixes = [], [], 0
        for word in [*self._tagger(text), None]:
            prefix = word is not None and word.feature.pos1 == "接頭辞"
            reading = _reading(word) if word is not None and (word.feature.pos1 == "名詞" or prefix or (
                run and word.feature.pos1 == "接尾辞")) else None  # 本部 + 長; 中 + 小 + 企業
            if reading and word.feature.pos2 != "数詞":
                run.append((word.surface, reading, prefix))
                prefixes = prefixes + 1 if prefix else 0
                continue
            run = run[:len(run) - prefixes]  # a prefix belongs to the word after it (AI法 + 第 + 四条: AI法)
            if len(run) >= 2 and _worth_reading(run):
                runs.append(run)
            run, prefixes = [], 0
        return runs

    def rewrite(self, text: str) -> str:
        """The text with Latin words in the documents' case, and hiragana runs that spell the documents' words (or one
        noun) written in kanji; in a message written mostly in hiragana, also the words found inside a run
        (``_partial``)."""
        text = _LATIN_WORD.sub(lambda m: self._latin.get(m.group(0).casefold(), m.group(0)), text)
        text = self._latin_compounds(text)
        text = _KATAKANA_WORD.sub(self._katakana_typo, text)
        japanese = _JAPANESE.findall(text)
        mostly_kana = len(japanese) >= 8 and sum("ぁ" <= ch <= "ゖ" for ch in japanese) >= _MOSTLY_KANA * len(japanese) \
            and len(_KANJI.findall(text)) <= _FEW_KANJI * len(japanese)
        text = self._counts(text)
        return _KANJI_RUN.sub(self._homophone, _HIRAGANA_RUN.sub(lambda m: self._run(m, mostly_kana), text))

    def _latin_compounds(self, text: str) -> str:
        """A Latin word typed with the rest of a compound in hiragana (「AIほうって」 → AI法って): the word and the longest
        hiragana after it that together read as one of the documents' compounds, with a particle (or no more
        hiragana) after that."""
        out, last = [], 0
        for match in _LATIN_WORD.finditer(text):
            word, at = match.group(0), match.end()
            kana = ""
            while at + len(kana) < len(text) and "ぁ" <= text[at + len(kana)] <= "ゖ":
                kana += text[at + len(kana)]
            letters = "".join(_LETTERS.get(ch, "?") for ch in word)
            for n in range(len(kana), 0, -1):
                written = self.words.get(letters + hira2kata(kana[:n]))
                if written and written.startswith(word) and (n == len(kana) or kana[n:].startswith(_TAILS[:-1])):
                    out += [text[last:match.start()], written]
                    last = at + n
                    break
            else:
                if typed := self._latin_homophone(text, match, letters):
                    out += [text[last:match.start()], typed[0]]
                    last = typed[1]
        return "".join(out) + text[last:]

    def _latin_homophone(self, text: str, match: re.Match, letters: str) -> tuple[str, int] | None:
        """A Latin word and the one kanji after it, written nowhere in the documents or the bank, that read as one of
        the documents' compounds spelt with another kanji (「AI方ができて」 → AI法): that compound and where the typed
        pair ends; None otherwise."""
        at = match.end()
        kanji = text[at:at + 1]
        if not kanji or not _KANJI.match(kanji) or _KANJI.match(text[at + 1:at + 2]) or match.group(0) + kanji in self._known:
            return None
        reading = next((w.feature.kana for w in self._tagger(kanji)), None)
        written = self.words.get(letters + reading) if reading else None
        return (written, at + 1) if written and written.startswith(match.group(0)) and written != match.group(0) + kanji \
            else None

    def _counts(self, text: str) -> str:
        """A count in hiragana before つ in digits, as the documents write counts (よっつ → 4つ; the dictionary reads
        it). Kanji counts stay: 「一つ選べ」 is how a quiz asks."""
        if "つ" not in text:  # no count to read: the tagger pass is spared on most messages
            return text
        words = list(self._tagger(text))
        out = []
        for word, after in zip(words, [*words[1:], None]):
            counted = word.feature.pos2 == "数詞" and after is not None and after.surface == "つ"
            lemma = word.feature.lemma or ""
            digit = counted and len(lemma) == 1 and lemma in "一二三四五六七八九" and "ぁ" <= word.surface[0] <= "ゖ"
            out.append(word.white_space + (str(kanji_to_int(lemma)) if digit else word.surface))
        return "".join(out) if "".join(w.white_space + w.surface for w in words) == text else text

    def _katakana_typo(self, match: re.Match) -> str:
        """A long katakana word that neither the documents nor the bank write, one edit away from exactly one of the
        documents' katakana words (エージョント → エージェント): spelled as the documents do."""
        word = match.group(0)
        if len(word) < _KATAKANA_TYPO or word in self._known:
            return word
        near = [w for w in self._katakana if Levenshtein.distance(word, w, score_cutoff=1) <= 1]
        return near[0] if len(near) == 1 else word

    def _homophone(self, match: re.Match) -> str:
        """A kanji run that neither the documents nor the bank write, typed with wrong kanji of the right reading
        (基本計格 → 基本計画, 人口知能 → 人工知能): spelled as the documents' words of that reading, when the run is not
        one dictionary word and the respelling is written somewhere in the documents or the bank."""
        run = match.group(0)
        if run in self._known:
            return run
        words = list(self._tagger(run))
        if len(words) < 2 or not all(w.feature.kana for w in words):
            return self._kanji_typo(run)
        pieces = self._segment("".join(w.feature.kana for w in words))
        fixed = "".join(pieces) if pieces else run
        return fixed if fixed != run and fixed in self._known else self._kanji_typo(run)

    def _kanji_typo(self, run: str) -> str:
        """A law's name one inner kanji away from exactly one stretch of a kanji run the documents or the bank write
        (個人情報保獲法 → 個人情報保護法): spelled as they do, not declined as another law. Likewise a run of four or
        more kanji one kanji away from exactly one written stretch, when that kanji lies in a word the dictionary
        cannot read or no text writes (基本計隔 → 基本計画, 正式名所 → 正式名称); anything else as written."""
        if len(run) >= _KANJI_TYPO and run.endswith("法"):
            names, suspect = self._law_names, range(1, len(run))
        elif len(run) >= _COMPOUND_TYPO:
            names, suspect = self._stretches(len(run)), self._unwritten(run)
        else:
            return run
        near = [w for w in names  # inner kanji only: a first one (新/旧) makes another word
                if len(w) == len(run) and w[0] == run[0] and sum(a != b for a, b in zip(w, run)) == 1
                and next(i for i, (a, b) in enumerate(zip(w, run)) if a != b) in suspect]
        return near[0] if len(near) == 1 else run

    def _unwritten(self, run: str) -> set[int]:
        """Positions of the run inside a word the dictionary cannot read (隔) or a longer word no text writes (計面)."""
        at, found = 0, set()
        for word in self._tagger(run):
            if not word.feature.kana or len(word.surface) > 1 and word.surface not in self._known:
                found.update(range(at, at + len(word.surface)))
            at += len(word.surface)
        return found

    def _stretches(self, length: int) -> frozenset[str]:
        """Every stretch of ``length`` kanji of a run the documents or the bank write (computed once a length)."""
        if length not in self._stretch_cache:
            self._stretch_cache[length] = frozenset(run[i:i + length] for run in _KANJI_RUN.findall(self._known)
                                                    for i in range(len(run) - length + 1))
        return self._stretch_cache[length]

    @cached_property
    def _law_names(self) -> frozenset[str]:
        """Every stretch of a kanji run the documents or the bank write that ends in 法 and is ``_KANJI_TYPO`` long
        or longer (個人情報保護法, 情報保護法 …): what a mistyped law name is compared with."""
        return frozenset(run[start:end + 1] for run in _KANJI_RUN.findall(self._known)
                         for end, ch in enumerate(run) if ch == "法" for start in range(end + 2 - _KANJI_TYPO))

    def _run(self, match: re.Match, mostly_kana: bool = False) -> str:
        run = match.group(0)
        for tail in _TAILS:
            if run.endswith(tail) and len(run) - len(tail) >= (2 if mostly_kana and tail else 3):  # じむって: 事務
                stem = run[:len(run) - len(tail)]
                pieces = self._segment(hira2kata(stem))
                if pieces:
                    return (self._when(stem, pieces) or "".join(pieces)) + tail
        if mostly_kana:
            return self._partial(run)
        words = list(self._tagger(run))
        if words and words[0].feature.pos1 == "名詞" and len(words[0].surface) >= 3 \
                and (lemma := words[0].feature.lemma) and len(_KANJI.findall(lemma)) >= 2 and "-" not in lemma \
                and self._begins_word(match, words[0].surface):
            return lemma + run[len(words[0].surface):]  # きけんが → 危険が
        return run

    def _when(self, stem: str, pieces: list[str]) -> str | None:
        """A time word the dictionary reads the run as, where the documents have one word of that reading
        (「きのう むすこの…」: 昨日, not 機能); else None."""
        words = list(self._tagger(stem))
        if len(pieces) == 1 and len(words) == 1 and words[0].feature.pos3 == "副詞可能" \
                and (lemma := words[0].feature.lemma or "") != pieces[0] and _KANJI.search(lemma):
            return lemma
        return None

    def _begins_word(self, match: re.Match, surface: str) -> bool:
        """The tagger, reading the run with the text before it, starts the word ``surface`` where the run starts: a
        run can open inside an ending (想定で|しょうか: 仕様 is no word there)."""
        left = max(0, match.start() - 6)
        at = left
        for word in self._tagger(match.string[left:match.end()]):
            at += len(word.white_space)
            if at >= match.start():
                return at == match.start() and word.surface == surface
            at += len(word.surface)
        return False

    def _partial(self, run: str) -> str:
        """A run the documents' words do not spell whole: the documents' words inside it (three kana or more:
        「えーあいほうってばっそくあるの」 → AI法, 罰則), the stretches between them word by word (``_word``)."""
        reading = hira2kata(run)
        cuts, at = {0}, 0  # a word found starts where the tagger's words do, and ends so or before a particle
        for token in self._tagger(run):  # (えーあいほう|って → AI法; not どうい|う → 同意)
            at += len(token.surface)
            cuts.add(at)
        cuts |= {end for end in range(len(run)) if run.startswith(_TAILS[:-1] + _SURU, end)}  # ていぎ|してる
        # best[i]: (kana covered by words, parts) for the first i characters; a part is (is a word, text)
        best: list[tuple[int, list[tuple[bool, str]]]] = [(0, [])]
        for end in range(1, len(reading) + 1):
            options = [(best[end - 1][0], best[end - 1][1] + [(False, run[end - 1])])]  # a character as written
            for start in range(max(0, end - 12), end - 2):
                if start in cuts and end in cuts and (word := self.words.get(reading[start:end])):
                    options.append((best[start][0] + end - start, best[start][1] + [(True, word)]))
            best.append(max(options, key=lambda o: (o[0], -len(o[1]))))
        out, stretch = [], ""
        for is_word, text in best[-1][1] + [(True, "")]:
            if is_word:
                out += [self._word(w) for w in self._tagger(stretch)] + [text]
                stretch = ""
            else:
                stretch += text
        return "".join(out)

    def _word(self, word) -> str:
        """A hiragana noun or verb in the dictionary's kanji, when the documents or the bank write it so; a verb
        keeps its ending (つくった → 作った); anything else as written."""
        surface, lemma = word.surface, word.feature.lemma or ""
        noun = word.feature.pos1 == "名詞"
        if noun and len(surface) >= 2 and (spelled := self.words.get(hira2kata(surface))) and _KANJI.search(spelled):
            return spelled  # a noun by how the documents and the bank spell its reading (さぎ → 詐欺, not the 鷺 of the dictionary)
        if not (noun or word.feature.pos1 == "動詞") or len(surface) < (3 if noun else 4) \
                or "-" in lemma or not _KANJI.search(lemma):  # a short verb is too often a misreading (ほうって → 放って)
            return surface
        ending = re.search(r"[ぁ-ゖ]*$", lemma).group(0)  # 見分ける → ける
        # みわける: a verb by its dictionary form's reading; a noun as read here (にほん; 日本's dictionary form is ニッポン)
        reading = kata2hira((word.feature.kana if noun else word.feature.lForm) or "")
        stem_reading = reading[:len(reading) - len(ending)]  # みわ
        if not stem_reading or not surface.startswith(stem_reading):
            return surface
        stem = lemma[:len(lemma) - len(ending)]  # 見分
        written = stem + surface[len(stem_reading):]  # 見分 + ける
        known = written in self._known or noun and len(_KANJI.findall(written)) >= 2 \
            or not noun and len(stem) >= 3 and stem in self._known  # こども → 子供; とりしまって → 取り締まって
        return written if known else surface

    def _segment(self, reading: str) -> list[str] | None:
        """The fewest document words whose readings spell ``reading`` exactly, or None."""
        best: list[list[str] | None] = [[]] + [None] * len(reading)
        for end in range(2, len(reading) + 1):
            for start in range(max(0, end - 12), end):
                piece = reading[start:end]
                word = "の" if piece == "ノ" and 0 < start and end < len(reading) else \
                    self.words.get(piece) if len(piece) >= 2 else None  # 「はんてんこうせいのこうき」
                if word and best[start] is not None and \
                        (best[end] is None or len(best[start]) + 1 < len(best[end])):
                    best[end] = best[start] + [word]
        return best[len(reading)]
