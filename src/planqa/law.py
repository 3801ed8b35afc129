"""Parsers for Japanese statutes: the plain-text layout of corpus/ai_act.txt and e-Gov law XML.

Both feed one ``_LawTree`` so a law gives the same IDs whichever form it comes in:
``ai_act:18`` (第十八条), ``ai_act:18.2`` (第2項), ``ai_act:18.2.1`` (第2項第一号),
``ai_act:10-2`` (第十条の二), ``ai_act:suppl.1`` (附則第一条), ``ai_act:title``.
Chapters get ``ai_act:chapter.N`` (structure only; nothing cites them).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .errors import CorpusError
from .sections import Document, Section, TreeBuilder
from .text import int_to_kanji, kanji_to_int, normalize

__all__ = ["parse_law_text", "parse_law_xml", "MISSING_MARK"]

MISSING_MARK = "【未取得】"

_KANJI = "〇一二三四五六七八九十百千"
_CHAPTER = re.compile(rf"^第([{_KANJI}]+)章[\s　]+(.+)$")
_ARTICLE = re.compile(rf"^第([{_KANJI}]+)条(?:の([{_KANJI}]+))?[\s　]+(.+)$")
_CAPTION = re.compile(r"^[（(](.+)[）)]$")
_PARAGRAPH = re.compile(r"^([０-９0-9]+)[\s　]+(.+)$")
_ITEM = re.compile(rf"^([{_KANJI}]+)[\s　]+(.+)$")
# deleted articles grouped as e-Gov prints them: 「第三十八条から第八十四条まで　削除」「第九十条及び第九十一条　削除」
_DELETED_RANGE = re.compile(rf"^第([{_KANJI}]+)条(?:の([{_KANJI}]+))?(から|及び)第([{_KANJI}]+)条(?:の([{_KANJI}]+))?"
                            r"(?:まで)?[\s　]+削除$")


class _LawTree:
    """Builds a law's sections from parse events (chapter, article, paragraph, item)."""

    def __init__(self, doc: Document) -> None:
        self.tree = TreeBuilder(doc)
        self.p, self.lab = doc.id, doc.label
        self.chapter: str | None = None
        self.article = self.paragraph = None
        self.article_label = ""
        self.suppl = False

    def title(self, title: str, extra: list[str]) -> None:
        """The 題名 place: the title itself first (「正式には何という名前？」 quotes it), then the law number, the
        promulgation date and the table of contents as stored."""
        text = "\n".join(normalize(line) for line in [title, *extra] if line.strip())
        self.tree.add(f"{self.p}:title", f"{self.lab} 題名", normalize(title), "title", None, text=text)

    def chapter_start(self, number: int, title: str) -> None:
        self.chapter = self.tree.add(f"{self.p}:chapter.{number}", f"{self.lab} 第{number}章",
                                     normalize(f"第{number}章 {title}"), "chapter", None)

    def suppl_start(self) -> None:
        self.suppl, self.chapter = True, self.tree.add(f"{self.p}:suppl", f"{self.lab} 附則", "附則",
                                                       "chapter", None)

    def article_start(self, number: str, caption: str, display: str) -> None:
        """``number`` is the ID part (``18``, ``10-2``), ``display`` the label part (``18``, ``10条の2``)."""
        sid = f"{self.p}:suppl.{number}" if self.suppl else f"{self.p}:{number}"
        head = f"{'附則' if self.suppl else ''}第{display}{'' if '条' in display else '条'}"
        self.article_label = f"{self.lab} {head}"
        title = f"{head} ({normalize(caption)})" if caption else head
        self.article = self.tree.add(sid, self.article_label, title, "article", self.chapter)
        self.paragraph = None

    def paragraph_start(self, number: int, text: str) -> None:
        if self.article is None:
            raise CorpusError(f"paragraph {number} outside an article",
                              user_message=f"第{number}項が条の外にあります（前に「第…条」の行が必要です）。")
        missing = text.strip() == MISSING_MARK
        if missing:
            self.tree.exclude(self.article)
        self.paragraph = self.tree.add(f"{self.article}.{number}", f"{self.article_label}第{number}項",
                                       "" if number == 1 else str(number), "paragraph", self.article, text=normalize(text),
                                       indexed=not missing)

    def item(self, number: int, text: str) -> None:
        if self.paragraph is None:
            raise CorpusError(f"item {number} outside a paragraph",
                              user_message=f"号（{int_to_kanji(number)}）が条・項の外にあります。")
        para_label = self.tree.label(self.paragraph)
        self.tree.add(f"{self.paragraph}.{number}", f"{para_label}第{number}号", "", "item",
                      self.paragraph, text=normalize(f"{int_to_kanji(number)} {text}"))

    def build(self) -> list[Section]:
        return self.tree.build()


def _deleted_articles(m: re.Match) -> list[tuple[str, str]]:
    """Each article a deleted-range line covers, as (ID part, label part): 第38条 … 第84条, or the two named."""
    first, last = kanji_to_int(m.group(1)), kanji_to_int(m.group(4))
    if m.group(3) == "から" and not m.group(2) and not m.group(5):
        return [_article_numbers(int_to_kanji(n), None) for n in range(first, last + 1)]
    return [_article_numbers(m.group(1), m.group(2)), _article_numbers(m.group(4), m.group(5))]


def _article_numbers(main: str, branch: str | None) -> tuple[str, str]:
    n = kanji_to_int(main)
    if branch:
        b = kanji_to_int(branch)
        return f"{n}-{b}", f"{n}条の{b}"
    return str(n), str(n)


def parse_law_text(raw: str, doc: Document) -> list[Section]:
    """Parse the e-Gov plain-text layout: title, law number, 目次, chapters, articles, 附則."""
    lines = [line.rstrip() for line in raw.splitlines()]
    if len(lines) < 3:
        raise CorpusError(f"{doc.id}: too short to be a law",
                          user_message="法令として短すぎます（題名・法律番号・本文が必要です）。")
    law = _LawTree(doc)
    if "目次" in lines:
        start = lines.index("目次")
        if "附則" not in lines[start:]:
            raise CorpusError(f"{doc.id}: the 目次 has no closing 附則 line",
                              user_message=f"{doc.path.name} {start + 1}行目: 目次の終わり（「附則」の行）がありません。")
        end = lines.index("附則", start)  # the 目次 ends with its own 附則 line
        body_start = end + 1
        law.title(lines[0], lines[1:body_start])
    else:  # no 目次 (民法, 刑法 as stored): the title block runs to the first caption, article or chapter
        body_start = next((n for n, line in enumerate(lines[1:], 1)
                           if _CAPTION.match(line.strip()) or _ARTICLE.match(line.strip())
                           or _CHAPTER.match(line.strip()) or _DELETED_RANGE.match(line.strip())), len(lines))
        law.title(lines[0], lines[1:body_start])
    caption = ""
    for number, line in enumerate(lines[body_start:], body_start + 1):
        try:
            caption = _law_line(law, line.strip(), caption)
        except CorpusError as exc:  # say where in the file
            raise CorpusError(f"{doc.path.name}:{number}: {exc}",
                              user_message=f"{doc.path.name} {number}行目: {exc.user_message}") from exc
    return law.build()


def _law_line(law: _LawTree, line: str, caption: str) -> str:
    """Feed one line of the text layout to ``law``; returns the caption waiting for the next article."""
    if not line:
        return caption
    if m := _CHAPTER.match(line):
        law.chapter_start(kanji_to_int(m.group(1)), m.group(2))
    elif line == "附則":
        law.suppl_start()
    elif m := _CAPTION.match(line):
        return m.group(1)
    elif m := _DELETED_RANGE.match(line):
        for number, display in _deleted_articles(m):
            law.article_start(number, "", display)
            law.paragraph_start(1, "削除")
    elif m := _ARTICLE.match(line):
        number, display = _article_numbers(m.group(1), m.group(2))
        law.article_start(number, caption, display)
        law.paragraph_start(1, m.group(3))
        return ""
    elif m := _PARAGRAPH.match(line):
        law.paragraph_start(int(normalize(m.group(1))), m.group(2))
    elif m := _ITEM.match(line):
        law.item(kanji_to_int(m.group(1)), m.group(2))
    else:
        raise CorpusError(f"cannot place line {line[:40]!r}",
                          user_message=f"章・条・項・号のどれとしても読めません:「{line[:40]}」")
    return caption


def _text(elem: ET.Element | None) -> str:
    return "".join(elem.itertext()).strip() if elem is not None else ""


def _xml_articles(law: _LawTree, parent: ET.Element) -> None:
    for article in parent.iter("Article"):
        number, display = _xml_number(article.get("Num", ""))
        law.article_start(number, _text(article.find("ArticleCaption")).strip("（）()"), display)
        for para in article.findall("Paragraph"):
            law.paragraph_start(int(para.get("Num", "1")), _text(para.find("ParagraphSentence")))
            for item in para.findall("Item"):
                sentence = item.find("ItemSentence")
                law.item(int(item.get("Num", "0").split("_")[0]), _text(sentence))


def _xml_number(num: str) -> tuple[str, str]:
    parts = num.split("_")
    if not parts[0].isdigit():
        raise CorpusError(f"article Num {num!r} is not numeric",
                          user_message=f"条の番号 Num=\"{num}\" が数字ではありません。")
    if len(parts) > 1:
        return f"{parts[0]}-{parts[1]}", f"{parts[0]}条の{parts[1]}"
    return parts[0], parts[0]


def parse_law_xml(raw: str, doc: Document) -> list[Section]:
    """Parse e-Gov law XML (Law/LawBody/MainProvision/Chapter/Article/Paragraph/Item)."""
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise CorpusError(f"{doc.id}: not well-formed XML ({exc})",
                          user_message=f"XML として読めません（{exc}）。") from exc
    body = root.find("LawBody")
    if root.tag != "Law" or body is None:
        raise CorpusError(f"{doc.id}: not e-Gov law XML (expected <Law><LawBody>)",
                          user_message="e-Gov の法令XMLではありません（<Law><LawBody> が必要です）。")
    law = _LawTree(doc)
    law.title(_text(body.find("LawTitle")), [_text(root.find("LawNum"))])
    main = body.find("MainProvision")
    if main is None:
        raise CorpusError(f"{doc.id}: no <MainProvision>", user_message="本則（<MainProvision>）がありません。")
    chapters = main.findall("Chapter")
    for chapter in chapters:
        title = re.sub(rf"^第[{_KANJI}]+章[\s　]*", "", _text(chapter.find("ChapterTitle")))  # e-Gov: 「第一章　総則」
        law.chapter_start(int(chapter.get("Num", "0").split("_")[0]), title)
        _xml_articles(law, chapter)
    if not chapters:
        _xml_articles(law, main)
    for suppl in body.findall("SupplProvision")[:1]:  # the original act's 附則
        law.suppl_start()
        _xml_articles(law, suppl)
    return law.build()
