"""What the manifest calls each document: which documents a question names.

Every name comes from ``sources.toml`` (a document's ``aliases``, its ``label`` and its ``title``), so a law added
there is recognised by its short names (民法, 刑法) without code. Laws and the plan are told apart by format.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable

from .errors import CorpusError

__all__ = ["DocumentNames", "LAW_FORMATS"]

LAW_FORMATS = ("law_text", "law_xml")


@dataclass(frozen=True)
class DocumentNames:
    """Names (longest first) of each document, by document ID, and which documents are laws."""

    names: tuple[tuple[str, str], ...] = ()  # (name, document ID), longest name first
    laws: tuple[str, ...] = ()  # document IDs of laws, in manifest order
    plans: tuple[str, ...] = ()  # document IDs of plans, in manifest order
    labels: tuple[tuple[str, str], ...] = ()  # (document ID, label): 「同法」 with no law said before is the first law

    @classmethod
    def of(cls, documents: Iterable) -> "DocumentNames":
        """From the manifest's documents: each one's aliases, label and title (with and without a closing
        parenthesis such as the law number), in NFKC as questions are read."""
        pairs, laws, plans, labels = {}, [], [], []
        for doc in documents:
            labels.append((doc.id, doc.label))
            title = re.sub(r"[(][^)]*[)]$", "", unicodedata.normalize("NFKC", doc.title))  # without （令和7年法律第53号）
            for name in {unicodedata.normalize("NFKC", n) for n in (*doc.aliases, doc.label, doc.title)} | {title}:
                if name and pairs.setdefault(name, doc.id) != doc.id:
                    raise CorpusError(f"{doc.id}: the name {name!r} is already {pairs[name]!r}'s",
                                      user_message=f"名前「{name}」は文書「{pairs[name]}」がすでに使っています。",
                                      document=doc.id)
            (laws if doc.format in LAW_FORMATS else plans).append(doc.id)
        ordered = tuple(sorted(pairs.items(), key=lambda p: -len(p[0])))
        return cls(ordered, tuple(laws), tuple(plans), tuple(labels))

    def label(self, doc_id: str) -> str:
        return dict(self.labels)[doc_id]

    @cached_property
    def pattern(self) -> re.Pattern:
        """Any document's name; one of one or two characters not right after a kanji (本法 is not in 基本法)."""
        return self._pattern(self.names)

    @cached_property
    def law_pattern(self) -> re.Pattern:
        """Any law's name."""
        return self._pattern(tuple((name, doc) for name, doc in self.names if doc in self.laws))

    @staticmethod
    def _pattern(names: tuple[tuple[str, str], ...]) -> re.Pattern:
        parts = [(r"(?<![一-龥])" if len(name) <= 2 else "") + re.escape(name) for name, _ in names]
        return re.compile("|".join(parts) or r"(?!x)x")

    @cached_property
    def _by_name(self) -> dict[str, str]:
        return dict(self.names)

    def named(self, text: str) -> list[str]:
        """The documents the text names, in the order first named."""
        return list(dict.fromkeys(self._by_name[m.group(0)] for m in self.pattern.finditer(text)))

    def law_before(self, text: str) -> str | None:
        """The law a 「第3条」 at the end of ``text`` belongs to: the one named last, else the manifest's first law."""
        found = [doc for m in self.pattern.finditer(text) if (doc := self._by_name[m.group(0)]) in self.laws]
        return found[-1] if found else (self.laws[0] if self.laws else None)

    def law(self, text: str) -> bool:
        """The text names a law of the corpus (AI法, この法律 …)."""
        return any(doc in self.laws for doc in self.named(text))

    def plan(self, text: str) -> bool:
        """The text names a plan of the corpus (骨子, 基本計画 …)."""
        return any(doc in self.plans for doc in self.named(text))
