"""Structure-aware chunks: one per measure, per plan heading's bullets, per article (or paragraph).

Each chunk keeps the citable places it covers (``units``) so answers can cite the exact
paragraph or measure a sentence comes from, and a context header so it reads on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from .corpus import Corpus, Section

__all__ = ["Unit", "Chunk", "make_chunks", "split_sentences", "CHUNKER_VERSION", "ARTICLE_MAX_CHARS"]

CHUNKER_VERSION = "1"
ARTICLE_MAX_CHARS = 400  # a longer article is split into one chunk per paragraph
_TEXT_KINDS = ("subheading", "policy", "section", "chapter", "title")


_OPEN, _CLOSE = "「(『【", "」)』】"


def split_sentences(text: str) -> list[str]:
    """Split at line breaks and at 。 outside brackets; bullets and measures stay whole."""
    out = []
    for line in text.splitlines():
        depth, start = 0, 0
        for i, ch in enumerate(line):
            depth += (ch in _OPEN) - (ch in _CLOSE)
            if ch == "。" and depth <= 0 and line[start:i + 1].strip():
                out.append(line[start:i + 1].strip())
                start = i + 1
        if line[start:].strip():
            out.append(line[start:].strip())
    return out


@dataclass(frozen=True)
class Unit:
    """One citable place inside a chunk, with the text it contributes."""

    id: str
    label: str
    text: str


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage. ``ids`` are the most specific places it covers."""

    key: str
    header: str
    units: tuple[Unit, ...]
    doc: str

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(u.id for u in self.units)

    @property
    def label(self) -> str:
        return self.units[0].label

    @property
    def text(self) -> str:
        return "\n".join(u.text for u in self.units)

    def sentences(self) -> list[tuple[Unit, str]]:
        """Every sentence with the unit (citable place) it belongs to."""
        return [(u, sent) for u in self.units for sent in split_sentences(u.text)]

    def embedding_text(self) -> str:
        """Header and body, as embedded and indexed."""
        return f"{self.header}\n{self.text}"


def _header(corpus: Corpus, section: Section, label: str | None = None) -> str:
    """``label | titles`` of the place and its ancestors; the chapter title is dropped when deep."""
    titles = [s.title for s in corpus.ancestors(section.id)]
    titles = (titles[1:] if len(titles) >= 2 else titles) + [section.title]
    return f"{label or section.label} | " + " > ".join(t for t in titles if t)


def _law_units(corpus: Corpus, section: Section) -> list[Unit]:
    """A paragraph (or item) as one unit per place, numbered as in the statute."""
    units = []
    for sec in corpus.descendants(section.id):
        if sec.indexed and sec.text:
            units.append(Unit(sec.id, sec.label, f"{sec.title} {sec.text}".strip()))
    return units


def _article_chunks(corpus: Corpus, article: Section) -> list[Chunk]:
    paragraphs = [corpus[c] for c in article.children if corpus[c].indexed]
    if not paragraphs:
        return []
    units = [u for p in paragraphs for u in _law_units(corpus, p)]
    if sum(len(u.text) for u in units) <= ARTICLE_MAX_CHARS or len(paragraphs) == 1:
        return [Chunk(article.id, _header(corpus, article), tuple(units), article.doc)]
    return [Chunk(p.id, _header(corpus, article), tuple(_law_units(corpus, p)), p.doc) for p in paragraphs]


def make_chunks(corpus: Corpus) -> list[Chunk]:
    """All chunks of the corpus, in document order."""
    chunks: list[Chunk] = []
    for sec in corpus:
        if not sec.indexed:
            continue
        if sec.kind == "article":
            chunks.extend(_article_chunks(corpus, sec))
        elif sec.kind == "measure":
            unit = Unit(sec.id, sec.label, f"{sec.title} {sec.text}")
            chunks.append(Chunk(sec.id, _header(corpus, corpus[sec.parent], sec.label), (unit,), sec.doc))
        elif sec.kind in _TEXT_KINDS and sec.text:
            chunks.append(Chunk(sec.id, _header(corpus, sec), (Unit(sec.id, sec.label, sec.text),), sec.doc))
    return chunks
