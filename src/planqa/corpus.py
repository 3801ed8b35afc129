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
    in_scope: Path | None = None  # questions places answer, asked around what no place holds: scope evidence (bank.py)
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


class _Manifest:
    """sources.toml's text, so an error can name the line of the entry and key it is about."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines = path.read_text(encoding="utf-8").splitlines()
        self.starts = [n for n, line in enumerate(self.lines, 1) if line.strip().startswith("[[document]]")]

    def line(self, entry: int, key: str = "") -> int:
        """The line of ``key`` in the entry-th [[document]] (its header line without a key, or when not found)."""
        start = self.starts[entry] if entry < len(self.starts) else 1
        for n in range(start, len(self.lines)):
            text = self.lines[n].strip()
            if text.startswith("["):
                break
            if key and text.split("=", 1)[0].strip() == key:
                return n + 1
        return start

    def error(self, entry: int, doc_id: object, key: str, english: str, japanese: str) -> CorpusError:
        """One error naming the file, line and document, in English for logs and Japanese for people."""
        line = self.line(entry, key)
        doc = f"document {doc_id!r}" if doc_id else f"[[document]] #{entry + 1}"
        shown = f"文書「{doc_id}」" if doc_id else f"{entry + 1}番目の[[document]]"
        return CorpusError(f"{self.path.name}:{line} ({doc}): {english}",
                           user_message=f"{self.path.name} {line}行目（{shown}）: {japanese}")


_REQUIRED = ("id", "title", "label", "format", "path")


def _read_manifest(corpus_dir: Path) -> tuple[list[Document], Path | None, Path | None, Path | None, _Manifest]:
    path = corpus_dir / "sources.toml"
    if not path.is_file():
        raise CorpusError(f"{path} not found: the corpus folder needs a sources.toml",
                          user_message=f"{path} がありません。コーパスのフォルダーには sources.toml が必要です。")
    manifest = _Manifest(path)
    try:
        data = tomllib.loads("\n".join(manifest.lines))
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path}: {exc}", user_message=f"{path.name} を TOML として読めません: {exc}") from exc
    known = {"id", "title", "label", "format", "path", "url", "date", "terms", "gaps", "bank", "version", "status",
             "status_url", "aliases", "see_also", "missing_items", "pack", "name"}
    docs, seen = [], {}
    for k, entry in enumerate(data.get("document", [])):
        doc_id = entry.get("id")
        if unknown := set(entry) - known:
            raise manifest.error(k, doc_id, "", f"unknown keys {sorted(unknown)}",
                                 f"知らない項目 {', '.join(sorted(unknown))} があります。")
        if missing := [key for key in _REQUIRED if not isinstance(entry.get(key), str) or not entry[key].strip()]:
            raise manifest.error(k, doc_id, missing[0], f"{', '.join(missing)} must be given as text",
                                 f"{'、'.join(missing)} がないか、文字列ではありません。")
        if doc_id in seen:
            raise manifest.error(k, doc_id, "id", f"the ID {doc_id!r} is already the document on line "
                                 f"{manifest.line(seen[doc_id], 'id')}",
                                 f"ID「{doc_id}」は {manifest.line(seen[doc_id], 'id')}行目の文書がすでに使っています。"
                                 "引用IDの接頭辞になるため、文書ごとに別のIDにしてください。")
        seen[doc_id] = k
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise manifest.error(k, doc_id, "aliases", "aliases must be a list of names",
                                 "aliases は名前のリスト（[\"…\", \"…\"]）で書いてください。")
        see_also = entry.get("see_also", {})
        if not isinstance(see_also, dict) or set(see_also) - set(SEE_ALSO_TOPICS) \
                or not all(isinstance(v, list) and all(isinstance(i, str) for i in v) for v in see_also.values()):
            raise manifest.error(k, doc_id, "see_also",
                                 f"see_also maps {' / '.join(SEE_ALSO_TOPICS)} to lists of citation IDs",
                                 f"see_also は {' / '.join(SEE_ALSO_TOPICS)} から引用IDのリストへの対応で書いてください。")
        entry = dict(entry, path=corpus_dir / entry["path"], gaps=tuple(entry.get("gaps", ())), aliases=tuple(aliases),
                     see_also=tuple((topic, tuple(refs)) for topic, refs in see_also.items()),
                     missing_items=tuple(entry.get("missing_items", ())))
        if "bank" in entry:
            entry["bank"] = corpus_dir / entry["bank"]
        docs.append(Document(**entry))
    if not docs:
        raise CorpusError(f"{path} lists no [[document]]",
                          user_message=f"{path.name} に文書（[[document]]）が一つもありません。")
    negatives, in_scope, vocabulary = (corpus_dir / data[k] if data.get(k) else None
                                       for k in ("out_of_scope", "in_scope", "vocabulary"))
    return docs, negatives, in_scope, vocabulary, manifest


def available_packs(corpus_dir: Path | str = DEFAULT_CORPUS_DIR) -> list[str]:
    """The optional packs sources.toml offers (documents with ``pack = "…"``)."""
    return sorted({doc.pack for doc in _read_manifest(Path(corpus_dir))[0] if doc.pack})


def load_corpus(corpus_dir: Path | str = DEFAULT_CORPUS_DIR, packs: Iterable[str] = ()) -> Corpus:
    """Read sources.toml and parse every document into one section tree: the default documents, and those of
    the named optional ``packs``."""
    parsers = {"plan_outline": plan.parse_plan, "law_text": law.parse_law_text, "law_xml": law.parse_law_xml}
    corpus_dir = Path(corpus_dir)
    documents, negatives, in_scope, vocabulary, manifest = _read_manifest(corpus_dir)
    entry = {doc.id: k for k, doc in enumerate(documents)}  # each document's place in sources.toml, for errors
    packs = tuple(sorted(set(packs)))
    if unknown := set(packs) - {doc.pack for doc in documents if doc.pack}:
        raise CorpusError(f"no pack {sorted(unknown)[0]!r} in sources.toml; packs: "
                          f"{', '.join(sorted({d.pack for d in documents if d.pack})) or 'none'}")
    documents = [doc for doc in documents if not doc.pack or doc.pack in packs]
    corpus = Corpus(documents=documents, negatives=negatives, in_scope=in_scope, vocabulary=vocabulary, packs=packs)
    digest = hashlib.sha256()
    for doc in corpus.documents:
        k = entry[doc.id]
        if doc.format not in parsers:
            raise manifest.error(k, doc.id, "format", f"unknown format {doc.format!r}; use one of {sorted(parsers)}",
                                 f"format「{doc.format}」は読めません。{' / '.join(sorted(parsers))} のどれかにしてください。")
        if not doc.path.is_file():
            raise manifest.error(k, doc.id, "path", f"{doc.path} not found", f"ファイル {doc.path} が見つかりません。")
        if doc.bank and not doc.bank.is_file():
            raise manifest.error(k, doc.id, "bank", f"{doc.bank} not found",
                                 f"質問バンクのファイル {doc.bank} が見つかりません。")
        raw = doc.path.read_bytes()
        digest.update(doc.id.encode() + b"\0" + raw)
        try:
            sections = parsers[doc.format](raw.decode("utf-8"), doc)
        except UnicodeDecodeError as exc:
            raise manifest.error(k, doc.id, "path", f"{doc.path.name} is not UTF-8 ({exc.reason})",
                                 f"{doc.path.name} は UTF-8 のテキストではありません。") from exc
        except CorpusError as exc:
            raise manifest.error(k, doc.id, "path", str(exc), exc.user_message) from exc
        for section in sections:
            if section.id in corpus.sections:
                raise manifest.error(k, doc.id, "id", f"duplicate citation ID {section.id}",
                                     f"引用ID {section.id} がほかの文書と重なっています。")
            corpus.sections[section.id] = section
    for doc in corpus.documents:
        named = [("see_also", ref) for _, refs in doc.see_also for ref in refs]
        for key, ref in named + [("missing_items", ref) for ref in doc.missing_items]:
            if ref not in corpus.sections:
                raise manifest.error(entry[doc.id], doc.id, key, f"{key} names {ref}, which the document does not have",
                                     f"{key} の {ref} はこの文書にない箇所です。")
    corpus.digest = digest.hexdigest()
    try:
        corpus.names  # noqa: B018 — a name given to two documents is a manifest error, reported at load
    except CorpusError as exc:
        raise manifest.error(entry.get(exc.document, 0), exc.document, "aliases", str(exc), exc.user_message) from exc
    return corpus
