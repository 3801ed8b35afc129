"""The parts a section tree is built from: documents, sections and the builder parsers fill in.

Kept apart from ``corpus`` so that the format parsers (``plan``, ``law``) and the corpus loader that calls them
import in one direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError

__all__ = ["Section", "Document", "TreeBuilder", "id_matches"]


@dataclass(frozen=True)
class Section:
    """One citable place: a chapter, measure, article, paragraph, item …

    ``text`` is the section's own text (normalised), without its children's;
    ``Corpus.full_text`` joins a whole subtree.
    """

    id: str
    label: str
    title: str
    text: str
    kind: str
    doc: str
    parent: str | None = None
    children: tuple[str, ...] = ()
    indexed: bool = True  # False for places whose text could not be obtained


@dataclass(frozen=True)
class Document:
    """A source document and its provenance (one ``[[document]]`` of sources.toml)."""

    id: str
    title: str
    label: str
    format: str
    path: Path
    url: str = ""
    date: str = ""
    terms: str = ""
    gaps: tuple[str, ...] = ()
    version: str = ""  # which text this is (「骨子(案) 2025年9月」「令和7年法律第53号」), shown wherever it is quoted
    status: str = ""  # its standing, said to readers (「案。閣議決定された計画の本文ではありません」)
    status_url: str = ""  # where the current official text is
    bank: Path | None = None  # the question bank for this document (bank.py)
    aliases: tuple[str, ...] = ()  # what people call it besides its label and title (AI推進法, 本法): names.py
    # places a structural answer points readers to, by topic (penalty: what the law provides instead)
    see_also: tuple[tuple[str, tuple[str, ...]], ...] = ()
    missing_items: tuple[str, ...] = ()  # paragraphs whose items (号) the source lacks: said wherever quoted
    name: str = ""  # how prose names it (「AI基本計画(骨子)」); the label when empty
    pack: str = ""  # a named optional pack (「related」: 民法・刑法); built only with `planqa build --with PACK`


def id_matches(cited: str, gold: str) -> bool:
    """SPEC §2: a cited ID matches a gold ID when equal or lying inside it."""
    return cited == gold or cited.startswith(gold + ".")


class TreeBuilder:
    """Collects sections while a parser walks a document, then freezes them with children."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._nodes: dict[str, dict] = {}

    def add(self, sid: str, label: str, title: str, kind: str, parent: str | None,
            text: str = "", indexed: bool = True) -> str:
        if sid in self._nodes:
            raise CorpusError(f"{self.doc.id}: duplicate citation ID {sid}",
                              user_message=f"同じ箇所（{label}、引用ID {sid}）が二度出てきます。")
        self._nodes[sid] = dict(id=sid, label=label, title=title, text=text, kind=kind,
                                doc=self.doc.id, parent=parent, indexed=indexed)
        return sid

    def label(self, sid: str) -> str:
        return self._nodes[sid]["label"]

    def exclude(self, sid: str) -> None:
        """Keep a place in the tree but out of the index (its text could not be obtained)."""
        self._nodes[sid]["indexed"] = False

    def append_text(self, sid: str, line: str) -> None:
        node = self._nodes[sid]
        node["text"] = f"{node['text']}\n{line}" if node["text"] else line

    def build(self) -> list[Section]:
        children: dict[str, list[str]] = {sid: [] for sid in self._nodes}
        for sid, node in self._nodes.items():
            if node["parent"] is not None:
                children[node["parent"]].append(sid)
        return [Section(**node, children=tuple(children[sid])) for sid, node in self._nodes.items()]
