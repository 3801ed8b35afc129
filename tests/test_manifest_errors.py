"""A bad sources.toml entry: one clear error naming the file, line and document, and the index on disk survives.

Each case copies a small, good corpus, breaks one thing, runs the real `planqa build` over the same index
directory and checks the message (Japanese, no traceback), that the index files are byte-for-byte untouched and
that an assistant loaded from the good corpus still answers from them.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from planqa.errors import CorpusError

LAW = """苗木配布促進法
令和十年法律第七号
（目的）
第一条　この法律は、苗木の配布を促進し、もって緑化に寄与することを目的とする。
（市町村の役割）
第二条　市町村は、住民に苗木を配布するよう努めるものとする。
２　市町村は、配布の実績を毎年公表するものとする。
"""

ENTRY = """
[[document]]
id = "naegi"
title = "苗木配布促進法"
label = "苗木法"
format = "law_text"
path = "naegi.txt"
"""


def _write(corpus_dir: Path, manifest: str, law: str = LAW) -> Path:
    corpus_dir.mkdir(parents=True, exist_ok=True)
    (corpus_dir / "sources.toml").write_text(manifest, encoding="utf-8")
    (corpus_dir / "naegi.txt").write_text(law, encoding="utf-8")
    return corpus_dir


def _files(index_dir: Path) -> dict[str, str]:
    return {str(p.relative_to(index_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(index_dir.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A good one-law corpus and its index, built by the real command."""
    root = tmp_path_factory.mktemp("manifest")
    good = _write(root / "good", ENTRY)
    out = subprocess.run(["planqa", "build", "--corpus", str(good), "--index", str(root / "index")],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return good, root / "index"


def _line(manifest: str, text: str) -> int:
    return manifest.splitlines().index(text) + 1


SECOND = ENTRY.replace('title = "苗木配布促進法"', 'title = "植樹法"').replace('label = "苗木法"', 'label = "植樹法"')
CASES = {  # name → (manifest, law text, the line the error must name, what the message must say)
    "missing file": (ENTRY.replace("naegi.txt", "naegi2.txt"), LAW, 'path = "naegi2.txt"', "が見つかりません"),
    "unknown format": (ENTRY.replace("law_text", "law_pdf"), LAW, 'format = "law_pdf"', "format「law_pdf」は読めません"),
    "duplicate document ID": (ENTRY + SECOND, LAW, 'id = "naegi"', "ID「naegi」は 3行目の文書がすでに使っています"),
    "missing title": (ENTRY.replace('title = "苗木配布促進法"\n', ""), LAW, "[[document]]", "title がないか"),
    "missing bank": (ENTRY + 'bank = "bank/naegi.jsonl"\n', LAW, 'bank = "bank/naegi.jsonl"', "質問バンクのファイル"),
    "malformed law": (ENTRY, LAW.replace("２　市町村は", "市町村は、さらに"), 'path = "naegi.txt"',
                      "naegi.txt 7行目: 章・条・項・号のどれとしても読めません"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_entry_names_file_line_and_document_and_the_index_survives(built, tmp_path, case):
    from planqa.answer import Assistant

    good, index_dir = built
    manifest, law, line_text, says = CASES[case]
    bad = _write(tmp_path / "bad", manifest, law)
    before = _files(index_dir)
    out = subprocess.run(["planqa", "build", "--corpus", str(bad), "--index", str(index_dir)],
                         capture_output=True, text=True, timeout=600)
    line = _line(manifest, line_text) if case != "duplicate document ID" else manifest.splitlines().index(
        line_text, _line(manifest, line_text)) + 1  # the second entry's id line
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith(f"エラー: sources.toml {line}行目（文書「naegi」）: ") and says in out.stderr
    assert _files(index_dir) == before  # nothing written over the previous index
    answer = Assistant.load(good, index_dir).ask("苗木法第2条には何が書いてある？")
    assert not answer.abstained and answer.citations[0].id.startswith("naegi:2")


def test_loading_a_broken_corpus_raises_the_same_located_error(tmp_path):
    """What `python app.py` shows an operator at start: the located message, from CorpusError."""
    from planqa.corpus import load_corpus

    bad = _write(tmp_path, ENTRY.replace("law_text", "law_pdf"))
    with pytest.raises(CorpusError) as caught:
        load_corpus(bad)
    assert caught.value.user_message.startswith("sources.toml 6行目（文書「naegi」）: format「law_pdf」")
    assert str(caught.value).startswith("sources.toml:6 (document 'naegi'): unknown format 'law_pdf'")
