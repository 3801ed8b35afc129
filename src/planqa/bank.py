"""The question bank: questions each citable place answers (doc2query), stored as data beside the corpus.

Each document's manifest entry names its bank file (``bank = "bank/plan.jsonl"``); one JSON object a line::

    {"id": "plan:3.1.3.1", "register": "b", "q": "…って誰がやるの？", "answer": ["<sentence of the place>"],
     "source": "seed"}

``answer`` holds the sentence(s) of the place that answer the question, verbatim as
``chunk.split_sentences`` cuts the place's text. The manifest's top-level ``out_of_scope`` file holds near-miss
questions the documents do not answer (``{"register", "kind", "q", "why", "source"}``): the negatives for scope. Its
``in_scope`` file holds bank lines (same shape) a place answers though they are asked around what no place holds
(「EUみたいに禁止事項を決めないで大丈夫？」: ai_act:7.1): scope's evidence on the other side, never retrieval or the
composer's, whose lists would follow the words about elsewhere.

The bank feeds retrieval (question→question similarity), the composer (the sentences a matched entry links
to) and scope (how close a question is to the bank and to the negatives). ``check_bank`` keeps it honest:
every ID and sentence exists, and no entry is a near-duplicate of an evaluation question.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .chunk import split_sentences
from .corpus import Corpus
from .errors import CorpusError

__all__ = ["BankEntry", "load_bank", "load_in_scope", "check_bank", "bank_files", "bank_digest", "near_duplicate", "REGISTERS",
           "place_sentences", "write_jsonl"]

REGISTERS = {
    "a": "plain polite", "b": "casual chat", "c": "everyday words instead of the documents' terms",
    "d": "search-box keywords", "e": "hiragana-heavy / やさしい日本語", "f": "staff question (ministries, article)",
    "g": "long Diet-style", "h": "should / opinion / government view", "i": "English",
    "j": "quiz: true/false claim, fill-in-the-blank, multiple choice",
}
DUPLICATE_JACCARD = 0.5  # character 5-gram Jaccard from which a bank entry leaks an eval question


@dataclass(frozen=True)
class BankEntry:
    """One bank question. ``id`` is None for a near-miss out-of-scope question (a negative)."""

    id: str | None
    q: str
    register: str
    answer: tuple[str, ...] = ()
    source: str = ""

    def to_json(self) -> dict:
        if self.id is None:
            return {"register": self.register, "q": self.q, "source": self.source}
        return {"id": self.id, "register": self.register, "q": self.q, "answer": list(self.answer),
                "source": self.source}


def bank_files(corpus: Corpus) -> list[Path]:
    """The bank files the manifest names, then the negatives and the in-scope evidence; a named file that is
    missing raises."""
    files = [d.bank for d in corpus.documents if d.bank] + [f for f in (corpus.negatives, corpus.in_scope) if f]
    for f in files:
        if not f.is_file():
            raise CorpusError(f"{f} not found: sources.toml names it as a question bank",
                              user_message=f"sources.toml が質問バンクに指定しているファイル {f} がありません。")
    return files


def bank_digest(corpus: Corpus) -> str:
    """sha256 over the bank files, so an index built from another bank is refused."""
    digest = hashlib.sha256()
    for f in bank_files(corpus):
        digest.update(f.name.encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


def _read(path: Path, negatives: bool) -> list[BankEntry]:
    entries = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            entry = BankEntry(None if negatives else obj["id"], obj["q"], obj.get("register", ""),
                              tuple(obj.get("answer", ())), obj.get("source", ""))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise CorpusError(f"{path}:{n}: not a bank line ({exc})",
                              user_message=f"{path.name} {n}行目: 質問バンクの行として読めません（JSON で id と q が必要です）。") from exc
        if not entry.q.strip():
            raise CorpusError(f"{path}:{n}: empty question", user_message=f"{path.name} {n}行目: 質問が空です。")
        entries.append(entry)
    return entries


def load_bank(corpus: Corpus) -> list[BankEntry]:
    """Every bank entry of the corpus's documents, then the negatives; malformed lines raise CorpusError."""
    return [e for f in bank_files(corpus) if f != corpus.in_scope for e in _read(f, f == corpus.negatives)]


def load_in_scope(corpus: Corpus) -> list[BankEntry]:
    """The in-scope evidence the manifest names (none when it names no file); malformed lines raise CorpusError."""
    return _read(corpus.in_scope, False) if corpus.in_scope else []


def place_sentences(corpus: Corpus, place_id: str) -> list[str]:
    """The sentences of a place as the composer quotes them (a paragraph's number leads its first one); a group
    (a chapter, 4つの基本的な方針) holding no text of its own has its parts' headings and text, as its outline shows."""
    sec = corpus[place_id]
    if not sec.text.strip():
        return split_sentences(corpus.full_text(place_id))
    text = f"{sec.title} {sec.text}".strip() if sec.kind in ("paragraph", "item", "measure") else sec.text
    return split_sentences(text)


def _grams(text: str, n: int = 5) -> set[str]:
    text = "".join(text.split())
    return {text[i:i + n] for i in range(max(1, len(text) - n + 1))}


def near_duplicate(a: str, b: str) -> float:
    """Character 5-gram Jaccard similarity (whitespace ignored)."""
    ga, gb = _grams(a), _grams(b)
    return len(ga & gb) / max(1, len(ga | gb))


def check_bank(corpus: Corpus, entries: Iterable[BankEntry], eval_questions: Iterable[str] = ()) -> list[str]:
    """Problems, one line each: unknown IDs, linked sentences not in their place, registers not in REGISTERS,
    duplicates, and entries that come within DUPLICATE_JACCARD of an evaluation question."""
    problems, seen = [], set()
    evals = [(q, _grams(q)) for q in eval_questions]
    holders: dict[str, list[int]] = {}  # 5-gram → the eval questions holding it: only those sharing one are compared
    for i, (_, g) in enumerate(evals):
        for gram in g:
            holders.setdefault(gram, []).append(i)
    for entry in entries:
        where = f"{entry.id or 'out_of_scope'}: {entry.q[:40]}"
        if entry.id is not None:
            if entry.id not in corpus:
                problems.append(f"{where}: unknown place {entry.id}")
            else:
                sentences = place_sentences(corpus, entry.id)
                if not entry.answer:
                    problems.append(f"{where}: names no answering sentence")
                problems += [f"{where}: sentence not in {entry.id}: {s[:30]}" for s in entry.answer
                             if s not in sentences]
        if entry.register not in REGISTERS:
            problems.append(f"{where}: unknown register {entry.register!r}")
        if (entry.id, entry.q) in seen:
            problems.append(f"{where}: duplicate")
        seen.add((entry.id, entry.q))
        grams = _grams(entry.q)
        shared = Counter(i for gram in grams for i in holders.get(gram, ()))
        close = [i for i, n in shared.items() if n / (len(grams) + len(evals[i][1]) - n) >= DUPLICATE_JACCARD]
        if close:
            problems.append(f"{where}: near-duplicate of eval question {evals[min(close)][0][:40]}")
    return problems


def write_jsonl(path: Path, entries: Iterable[BankEntry]) -> None:
    """Write entries as JSON Lines (UTF-8, Japanese kept readable), replacing the file atomically."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("".join(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    tmp.replace(path)
