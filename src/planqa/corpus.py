"""Source documents as one section tree with citation IDs (shared/SPEC.md §2).

Documents are listed in ``corpus/sources.toml``; each entry names a file and its format
(``plan_outline``, ``law_text`` or ``law_xml``). Adding a document is a file plus an entry.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from . import law, plan
from .errors import CorpusError, UnknownSectionError
from .names import DocumentNames
from .sections import Document, Section, TreeBuilder, id_matches

__all__ = ["Section", "Document", "Corpus", "TreeBuilder", "load_corpus", "available_packs", "DEFAULT_CORPUS_DIR", "id_matches"]

SEE_ALSO_TOPICS = ("penalty", "regulation")  # structural answers that can point readers on (structured.py)
DEFAULT_CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"


@dataclass
class Corpus:
    """All documents' sections, in document order, addressable by citation ID."""

    documents: list[Document]
    sections: dict[str, Section] = field(default_factory=dict)
    digest: str = ""
    negatives: Path | None = None  # near-miss out-of-scope questions (bank.py)
    vocabulary: Path | None = None  # everyday words → document terms, learned from the bank (vocab.py)
    packs: tuple[str, ...] = ()  # the optional packs loaded with the default documents
    _names: DocumentNames | None = field(default=None, repr=False, compare=False)

    def __getitem__(self, section_id: str) -> Section:
        try:
            return self.sections[section_id]
        except KeyError:
            raise UnknownSectionError(section_id) from None

    def __contains__(self, section_id: object) -> bool:
        return section_id in self.sections

    def __iter__(self) -> Iterator[Section]:
        return iter(self.sections.values())

    def roots(self, doc: str | None = None) -> list[Section]:
        """Top-level sections (chapters, the law's title …), optionally of one document."""
        return [s for s in self if s.parent is None and (doc is None or s.doc == doc)]

    def descendants(self, section_id: str) -> list[Section]:
        """The section and everything below it, in document order."""
        out = [self[section_id]]
        for child in self[section_id].children:
            out.extend(self.descendants(child))
        return out

    def ancestors(self, section_id: str) -> list[Section]:
        """Parents of a section from the top down, excluding the section itself."""
        chain, parent = [], self[section_id].parent
        while parent is not None:
            chain.append(self[parent])
            parent = self[parent].parent
        return chain[::-1]

    def full_text(self, section_id: str) -> str:
        """Heading and text of a section with all of its subsections, one line each."""
        lines = []
        for sec in self.descendants(section_id):
            if sec.kind in ("paragraph", "item", "measure"):  # a marker (2, ①) heads the text
                lines.append(f"{sec.title} {sec.text}".strip())
            else:
                lines.extend(line for line in (sec.title, sec.text) if line)
        return "\n".join(lines)

    @property
    def names(self) -> DocumentNames:
        """What the manifest calls each document (aliases, label, title): names.py."""
        if self._names is None:
            self._names = DocumentNames.of(self.documents)
        return self._names

    def gap_note(self, section_id: str) -> str:
        """What the stored text lacks at a place or inside it (「この項の各号は未収録です」), or ''."""
        doc = self.document(self[section_id].doc)
        lacking = [ref for ref in doc.missing_items if id_matches(ref, section_id)]
        if not lacking:
            return ""
        where = "、".join(self[ref].label.removeprefix(doc.label).strip() for ref in lacking)
        return f"※ {doc.label} {where}: この項の各号は未収録です（出典のデータに号がありません）。原文は e-Gov 法令検索でご確認ください。"

    def document(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise CorpusError(f"no document {doc_id!r} in sources.toml")


def _read_manifest(corpus_dir: Path) -> tuple[list[Document], Path | None, Path | None]:
    manifest = corpus_dir / "sources.toml"
    if not manifest.is_file():
        raise CorpusError(f"{manifest} not found: the corpus folder needs a sources.toml")
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{manifest}: {exc}") from exc
    known = {"id", "title", "label", "format", "path", "url", "date", "terms", "gaps", "bank", "version", "status",
             "status_url", "aliases", "see_also", "missing_items", "pack", "name"}
    docs = []
    for entry in data.get("document", []):
        unknown = set(entry) - known
        if unknown:
            raise CorpusError(f"{manifest}: unknown keys {sorted(unknown)} in {entry.get('id')!r}")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise CorpusError(f"{manifest}: aliases of {entry.get('id')!r} must be a list of names")
        see_also = entry.get("see_also", {})
        if not isinstance(see_also, dict) or set(see_also) - set(SEE_ALSO_TOPICS) \
                or not all(isinstance(v, list) and all(isinstance(i, str) for i in v) for v in see_also.values()):
            raise CorpusError(f"{manifest}: see_also of {entry.get('id')!r} maps {' / '.join(SEE_ALSO_TOPICS)} "
                              "to lists of citation IDs")
        entry = dict(entry, path=corpus_dir / entry["path"], gaps=tuple(entry.get("gaps", ())), aliases=tuple(aliases),
                     see_also=tuple((k, tuple(v)) for k, v in see_also.items()),
                     missing_items=tuple(entry.get("missing_items", ())))
        if "bank" in entry:
            entry["bank"] = corpus_dir / entry["bank"]
        docs.append(Document(**entry))
    if not docs:
        raise CorpusError(f"{manifest} lists no [[document]]")
    negatives, vocabulary = data.get("out_of_scope"), data.get("vocabulary")
    return docs, corpus_dir / negatives if negatives else None, corpus_dir / vocabulary if vocabulary else None


def available_packs(corpus_dir: Path | str = DEFAULT_CORPUS_DIR) -> list[str]:
    """The optional packs sources.toml offers (documents with ``pack = "…"``)."""
    return sorted({doc.pack for doc in _read_manifest(Path(corpus_dir))[0] if doc.pack})


def load_corpus(corpus_dir: Path | str = DEFAULT_CORPUS_DIR, packs: Iterable[str] = ()) -> Corpus:
    """Read sources.toml and parse every document into one section tree: the default documents, and those of
    the named optional ``packs``."""
    parsers = {"plan_outline": plan.parse_plan, "law_text": law.parse_law_text, "law_xml": law.parse_law_xml}
    corpus_dir = Path(corpus_dir)
    documents, negatives, vocabulary = _read_manifest(corpus_dir)
    packs = tuple(sorted(set(packs)))
    if unknown := set(packs) - {doc.pack for doc in documents if doc.pack}:
        raise CorpusError(f"no pack {sorted(unknown)[0]!r} in sources.toml; packs: "
                          f"{', '.join(sorted({d.pack for d in documents if d.pack})) or 'none'}")
    documents = [doc for doc in documents if not doc.pack or doc.pack in packs]
    corpus = Corpus(documents=documents, negatives=negatives, vocabulary=vocabulary, packs=packs)
    digest = hashlib.sha256()
    for doc in corpus.documents:
        if doc.format not in parsers:
            raise CorpusError(f"{doc.id}: unknown format {doc.format!r}; use one of {sorted(parsers)}")
        if not doc.path.is_file():
            raise CorpusError(f"{doc.id}: {doc.path} not found")
        raw = doc.path.read_bytes()
        digest.update(doc.id.encode() + b"\0" + raw)
        for section in parsers[doc.format](raw.decode("utf-8"), doc):
            if section.id in corpus.sections:
                raise CorpusError(f"{doc.id}: duplicate citation ID {section.id}")
            corpus.sections[section.id] = section
    for doc in corpus.documents:
        named = [(f"see_also.{topic}", ref) for topic, refs in doc.see_also for ref in refs]
        for key, ref in named + [("missing_items", ref) for ref in doc.missing_items]:
            if ref not in corpus.sections:
                raise CorpusError(f"{doc.id}: {key} names {ref}, which the document does not have")
    corpus.digest = digest.hexdigest()
    corpus.names  # noqa: B018 — a name given to two documents is a manifest error, reported at load
    return corpus
