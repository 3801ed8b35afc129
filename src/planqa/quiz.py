"""Quiz items: multiple-choice options split from the stem, and the option the documents single out.

「次のうち…に含まれないものはどれか。A「AIを使う」 B「AIを創る」 C「AIを規制する」」: the stem is
answered like any question; the options are then looked up in the passages retrieved for it. When
exactly one option is (for a 「正しい」 stem) or is not (for a 「誤っている／含まれない」 stem) found
there, the answer names it first.
"""

from __future__ import annotations

import re
import unicodedata

from .text import tokenizer

__all__ = ["Option", "parse_options", "pick_option", "named_absent", "states", "option_first_stated", "option_found_once",
           "stating", "strip_quiz_markers"]

_SERIES = ("ABCD", "ＡＢＣＤ", "アイウエ", "①②③④", "1234", "１２３４")
_NEGATIVE = re.compile(r"含まれない|誤って|誤り|間違|定められていない|書かれていない|ないもの|当てはまらない|あてはまらない|不適切")
_POSITIVE = re.compile(r"正しい|適切な|含まれる|定められている|当てはまる|あてはまる|選べ|どれか|どれ\?|どこ\?")
_ASKS_ON = re.compile(r"、を|(?:されたい|ください|下さい|たい|伺う|問う|ますか|ですか|のか)[。.?？]?$")  # the sentence goes on past the list
_QUIZ_MARKERS = re.compile(r"^\s*(?:[【\[][^】\]]{0,12}(?:クイズ|問題|テスト|検定|確認|演習|穴埋め|○×|〇×)[^】\]]{0,6}[】\]]|"
                           r"[(（]?(?:○×|〇×|◯×|マルバツ|穴埋め)(?:クイズ|問題)?[)）]?|(?:クイズ|問題|問\d*)\s*[:：])\s*[:：]?\s*")

Option = tuple[str, str]  # (mark, text)
_STATED = "選択肢のうち、文書の該当箇所に書かれているのは{}「{}」です。"
_ABSENT = "選択肢のうち、文書の該当箇所に見当たらないのは{}「{}」です。"


def _marker(mark: str) -> re.Pattern:
    after = "" if mark in "①②③④" else r"[)）.．:：、\s「『]"  # a circled number needs nothing after it
    return re.compile(rf"(?:^|(?<=[\s。？?:：、]))[(（]?{re.escape(mark)}{after}")


# 「（ A ）」「【A】」: the label of a blank to fill, not option A (「【問】」 heads a question: no label)
_BLANK_LABEL = re.compile(r"[(（][\s　]+\S[\s　]+[)）]|【[\s　]*[A-Za-zＡ-Ｚ][\s　]*】")


def parse_options(text: str) -> tuple[str, list[Option]]:
    """(stem, options) of a multiple-choice item; (text, []) when it has no A/B/… or ①/② … options."""
    masked = _BLANK_LABEL.sub(lambda m: "□" * len(m.group(0)), text)  # same length: positions hold in ``text``
    for series in _SERIES:
        starts, ends, at = [], [], 0
        for mark in series:
            m = _marker(mark).search(masked, at)
            if not m:
                break
            starts.append(m.start())
            ends.append(m.end())
            at = m.end()
        if len(starts) >= 2:
            bounds = starts[1:] + [len(text)]
            options = [(series[i], text[ends[i]:bounds[i]].strip(" 「」『』、。")) for i in range(len(starts))]
            stem = text[:starts[0]].strip()
            if _ASKS_ON.search(options[-1][1]) and not (_POSITIVE.search(stem) or _NEGATIVE.search(stem)):
                break  # 「(1)…の考え方、(2)…の手続、を整理されたい」: numbered asks, not a choice
            if all(options[i][1] for i in range(len(options))):
                return stem, options
    return text, []


def strip_quiz_markers(text: str) -> str:
    """「○×クイズ：」「【穴埋め】」 and the like are not part of the question."""
    return _QUIZ_MARKERS.sub("", text)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _found(option: str, passage: str, loose: bool = False) -> bool:
    """Each part of the option is in the passage as written; ``loose``: or each of its content words is."""
    parts = [p for p in re.split(r"と(?=[^と]{2,})|及び|並びに|、|,", _nfkc(option)) if p.strip()]
    return bool(parts) and all(p.strip(" 「」『』") in passage or loose and _words_in(p, passage) for p in parts)


def _words_in(part: str, passage: str) -> bool:
    """Every content word of an option's part is in the passage (「創薬AIの推進」 in 「創薬AIを推進」): loose enough
    for an option that is present, too loose to single out the one stated (「本部長の職務を助ける」 in 第23条第1項)."""
    words, passage = tokenizer("surface").tokenize(part), passage.lower()
    return len(words) >= 2 and all(w in passage for w in words)


def pick_option(stem: str, options: list[Option], quoted: list[str], retrieved: list[str]) -> str | None:
    """The sentence naming the one option the documents single out, or None when they do not.

    A 「正しいものは」 option must be in what the answer quotes; a 「誤っているものは」 option must be
    absent from everything retrieved for the stem (the others being found there).
    """
    if _NEGATIVE.search(stem):
        if absent := _absent_option(options, "\n".join(quoted + retrieved)):
            return _ABSENT.format(*absent)
    elif _POSITIVE.search(_nfkc(stem)) and len(found := [o for o in options if _found(o[1], _nfkc("\n".join(quoted)))]) == 1:
        return _STATED.format(*found[0])
    return None


def _absent_option(options: list[Option], passage: str) -> Option | None:
    """The one option the passage does not hold (the others it holds), else None."""
    rest = [option for option in options if not states(option[1], passage)]
    return rest[0] if len(rest) == 1 else None


def named_absent(verdict: str, options: list[Option]) -> Option | None:
    """The option a verdict names as absent from the documents (「…見当たらないのはエ「…」です。」), else None."""
    return next((option for option in options if verdict == _ABSENT.format(*option)), None)


def states(option: str, passage: str) -> bool:
    """The passage holds the option: each of its parts as written, or each of its content words."""
    return _found(option, _nfkc(passage), loose=True)


def stating(verdict: str, options: list[Option], sentences: list[str]) -> list[int]:
    """Positions of the sentences that state the option a verdict names as written in the documents (not one it
    names as absent from them); [] when the verdict names none so or no sentence states it."""
    named = [text for mark, text in options if verdict == _STATED.format(mark, text)]
    return [at for at, sentence in enumerate(sentences) if named and _found(named[0], _nfkc(sentence))]


def _asks_for_a_stated_option(stem: str) -> bool:
    """A 「正しいものは」 stem, not a 「誤っているものは」 one."""
    return not _NEGATIVE.search(stem) and bool(_POSITIVE.search(_nfkc(stem)))


def option_first_stated(stem: str, options: list[Option], sentences: list[str]) -> tuple[str, int] | None:
    """For a 「正しいものは」 stem whose answer quotes several options: the first quoted sentence naming any option,
    when it names exactly one (「本部長は…内閣総理大臣をもって充てる」 before 「副本部長は…内閣官房長官…」): the sentence
    naming that option and the quoted sentence's position; None otherwise."""
    if not _asks_for_a_stated_option(stem):
        return None
    for at, sentence in enumerate(sentences):
        named = [option for option in options if _found(option[1], _nfkc(sentence))]
        if named:
            return (_STATED.format(*named[0]), at) if len(named) == 1 else None
    return None


def option_found_once(stem: str, options: list[Option], places: list[tuple[str, str]]) -> tuple[str, str] | None:
    """For a 「正しいものは」 stem whose answer singles out no option: the sentence naming the one option that any of
    the ``places`` (id, text) states, and the first place stating it; None when none or several are stated."""
    if not _asks_for_a_stated_option(stem):
        return None
    found = [(option, next((pid for pid, text in places if _found(option[1], _nfkc(text))), None)) for option in options]
    stated = [(option, pid) for option, pid in found if pid]
    return (_STATED.format(*stated[0][0]), stated[0][1]) if len(stated) == 1 else None
