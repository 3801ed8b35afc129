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
_SPELLED_FROM = 4  # names this long or longer are recognised with one kanji inside them misspelt


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

    @cached_property
    def _misspelt(self) -> re.Pattern:
        """Any name of four characters or more with one kanji inside it (not its first or last) written wrong."""
        parts = [re.escape(name[:i]) + f"(?!{re.escape(name[i])})[一-龥]" + re.escape(name[i + 1:])
                 for name, _ in self.names if len(name) >= _SPELLED_FROM
                 for i in range(1, len(name) - 1) if "一" <= name[i] <= "龥"]
        return re.compile("|".join(parts) or r"(?!x)x")

    def spelled(self, text: str) -> str:
        """The text with a document's name misspelt by one kanji inside it spelt right (「AI推心法って罰則ある？」 →
        AI推進法), so the Act is not taken for another law; a word that is a name itself, or one character off two
        documents' names, stays. (kana.py respells a kanji run of the right reading; a name with Latin letters in it and
        a wrong kanji of another reading comes here.)"""
        def fix(m: re.Match) -> str:
            word = m.group(0)
            near = {name: doc for name, doc in self.names if len(name) == len(word)
                    and sum(a != b for a, b in zip(name, word)) == 1}
            return word if word in self._by_name or len(set(near.values())) != 1 else next(iter(near))
        return self._misspelt.sub(fix, text)

    def law(self, text: str) -> bool:
        """The text names a law of the corpus (AI法, この法律 …)."""
        return any(doc in self.laws for doc in self.named(text))

    def plan(self, text: str) -> bool:
        """The text names a plan of the corpus (骨子, 基本計画 …)."""
        return any(doc in self.plans for doc in self.named(text))
