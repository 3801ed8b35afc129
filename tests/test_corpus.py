"""The cleaned corpus and its section tree, counted against the source documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planqa.corpus import Document, load_corpus
from planqa.errors import CorpusError, UnknownSectionError
from planqa.law import parse_law_xml

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def kinds(corpus, doc, kind):
    return [s for s in corpus if s.doc == doc and s.kind == kind]


def test_plan_structure_counts(corpus):
    assert [s.id for s in kinds(corpus, "plan", "chapter")] == ["plan:1", "plan:2", "plan:3", "plan:4"]
    assert [s.id for s in kinds(corpus, "plan", "subheading")] == [
        "plan:1.1", "plan:1.2", "plan:1.3", "plan:1.4", "plan:1.5", "plan:2.1", "plan:2.2"]
    assert [s.id for s in kinds(corpus, "plan", "policy")] == [f"plan:2.2.{n}" for n in range(1, 5)]
    assert [s.id for s in kinds(corpus, "plan", "section")] == [
        "plan:3.1", "plan:3.2", "plan:3.3", "plan:3.4", "plan:4.1", "plan:4.2", "plan:4.3"]
    assert len(kinds(corpus, "plan", "group")) == 14
    per_group = {g.id: len(g.children) for g in kinds(corpus, "plan", "group")}
    assert per_group == {
        "plan:3.1.1": 3, "plan:3.1.2": 5, "plan:3.1.3": 3, "plan:3.1.4": 3,
        "plan:3.2.1": 6, "plan:3.2.2": 4, "plan:3.2.3": 2, "plan:3.2.4": 3,
        "plan:3.3.1": 5, "plan:3.3.2": 6,
        "plan:3.4.1": 3, "plan:3.4.2": 4, "plan:3.4.3": 6, "plan:3.4.4": 3}
    assert len(kinds(corpus, "plan", "measure")) == 56


def test_act_structure_counts(corpus):
    articles = kinds(corpus, "ai_act", "article")
    main = [a for a in articles if ":suppl." not in a.id]
    assert [a.id for a in main] == [f"ai_act:{n}" for n in range(1, 29)]
    assert [a.id for a in articles if ":suppl." in a.id] == [f"ai_act:suppl.{n}" for n in range(1, 5)]
    paragraphs = [p for p in kinds(corpus, "ai_act", "paragraph") if p.indexed]
    assert len(paragraphs) == 45  # 3条×5, 4条×2, 6条×3, 18条×5, 22–25条×2, 20 others ×1 = 43; 附則 2
    assert [s.id for s in kinds(corpus, "ai_act", "item")] == [
        "ai_act:18.2.1", "ai_act:18.2.2", "ai_act:18.2.3", "ai_act:20.1.1", "ai_act:20.1.2"]
    assert len(kinds(corpus, "ai_act", "chapter")) == 5  # 第1–4章 and 附則


@pytest.mark.parametrize("sid, label, fragment", [
    ("plan:1", "骨子 第1章", "基本構想"),
    ("plan:1.4", "骨子 第1章(リスクへの対応)", "ハルシネーション"),
    ("plan:2.1", "骨子 第2章(AI法の基本理念を踏まえた3原則)", "アジャイル"),
    ("plan:2.2.3", "骨子 第2章 基本的な方針3", "国際的なガバナンスが不可欠"),
    ("plan:3.2", "骨子 第3章第2節", "AI for Science"),
    ("plan:3.2.4", "骨子 第3章第2節(4)", "富岳NEXT"),
    ("plan:3.2.4.2", "骨子 第3章第2節(4)②", "富岳NEXTの開発"),
    ("plan:4.3", "骨子 第4章第3節", "デジタル社会形成基本法"),
    ("ai_act:title", "AI法 題名", "令和七年法律第五十三号"),
    ("ai_act:18", "AI法 第18条", "人工知能基本計画"),
    ("ai_act:18.1", "AI法 第18条第1項", "基本的な計画"),
    ("ai_act:18.2.2", "AI法 第18条第2項第2号", "講ずべき施策"),
    ("ai_act:suppl.1", "AI法 附則第1条", "公布の日から施行する"),
])
def test_every_id_family_resolves_to_text(corpus, sid, label, fragment):
    assert corpus[sid].label == label
    assert fragment in corpus.full_text(sid)


def test_unknown_id_raises_with_hint(corpus):
    with pytest.raises(UnknownSectionError, match="planqa sections"):
        corpus["ai_act:99"]


def test_missing_supplementary_articles_are_kept_out(corpus):
    assert not corpus["ai_act:suppl.3"].indexed and not corpus["ai_act:suppl.4"].indexed
    assert corpus.document("ai_act").gaps == ("ai_act:suppl.3", "ai_act:suppl.4")


def test_toc_of_the_act_is_not_parsed_as_body(corpus):
    # 目次 ends with its own 附則 line; the real 附則 holds 第一条 (施行期日)
    assert corpus["ai_act:suppl.1"].title == "附則第1条 (施行期日)"
    assert "第四章 人工知能戦略本部(第十九条―第二十八条)" in corpus["ai_act:title"].text


def test_clean_plan_has_no_extraction_noise():
    text = (CORPUS / "ai_basic_plan_outline.txt").read_text(encoding="utf-8")
    for noise in ("A I", "笛っ節", "**", "ð", "請 すべき", "総 務省", "全体構成"):
        assert noise not in text, noise
    assert not re.search(r"\S\s+\d+$", text, re.M), "page numbers left"
    assert not re.search(r"^[ \t\u3000]", text, re.M), "indented line left"


def test_errata_lists_the_fixes():
    errata = (CORPUS / "ERRATA.md").read_text(encoding="utf-8")
    assert "笛っ節" in errata and "A I" in errata and "総 務省" in errata


def test_sources_manifest_rejects_unknown_keys(tmp_path):
    (tmp_path / "sources.toml").write_text('[[document]]\nid="x"\ntitle="t"\nlabel="l"\nformat="law_text"\n'
                                           'path="x.txt"\ncolour="red"\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="unknown keys"):
        load_corpus(tmp_path)


EGOV_XML = """<?xml version="1.0" encoding="UTF-8"?>
<Law Era="Reiwa" Year="9" Num="1" LawType="Act" Lang="ja">
  <LawNum>令和九年法律第一号</LawNum>
  <LawBody>
    <LawTitle>試験用法律</LawTitle>
    <MainProvision>
      <Chapter Num="1">
        <ChapterTitle>第一章　総則</ChapterTitle>
        <Article Num="1">
          <ArticleCaption>（目的）</ArticleCaption>
          <ArticleTitle>第一条</ArticleTitle>
          <Paragraph Num="1"><ParagraphNum/><ParagraphSentence><Sentence>この法律は、試験を目的とする。</Sentence></ParagraphSentence></Paragraph>
        </Article>
        <Article Num="10_2">
          <ArticleCaption>（細則）</ArticleCaption>
          <ArticleTitle>第十条の二</ArticleTitle>
          <Paragraph Num="1"><ParagraphNum/><ParagraphSentence><Sentence>国は、次に掲げる措置を講ずる。</Sentence></ParagraphSentence>
            <Item Num="1"><ItemTitle>一</ItemTitle><ItemSentence><Sentence>調査</Sentence></ItemSentence></Item>
            <Item Num="2"><ItemTitle>二</ItemTitle><ItemSentence><Sentence>研究</Sentence></ItemSentence></Item>
          </Paragraph>
          <Paragraph Num="2"><ParagraphNum>２</ParagraphNum><ParagraphSentence><Sentence>前項の措置は公表する。</Sentence></ParagraphSentence></Paragraph>
        </Article>
      </Chapter>
    </MainProvision>
    <SupplProvision>
      <Article Num="1"><ArticleCaption>（施行期日）</ArticleCaption><ArticleTitle>第一条</ArticleTitle>
        <Paragraph Num="1"><ParagraphNum/><ParagraphSentence><Sentence>この法律は、公布の日から施行する。</Sentence></ParagraphSentence></Paragraph>
      </Article>
    </SupplProvision>
  </LawBody>
</Law>
"""


def test_egov_xml_gives_the_same_ids_as_text(tmp_path):
    doc = Document(id="law", title="試験用法律", label="試験法", format="law_xml", path=tmp_path / "law.xml")
    sections = {s.id: s for s in parse_law_xml(EGOV_XML, doc)}
    assert list(sections) == [
        "law:title", "law:chapter.1", "law:1", "law:1.1", "law:10-2", "law:10-2.1", "law:10-2.1.1",
        "law:10-2.1.2", "law:10-2.2", "law:suppl", "law:suppl.1", "law:suppl.1.1"]
    assert sections["law:10-2.2"].label == "試験法 第10条の2第2項"
    assert sections["law:10-2.1.2"].text == "二 研究"
    assert sections["law:title"].text == "試験用法律\n令和九年法律第一号"  # the title itself, then the number


def test_egov_xml_document_loads_through_the_manifest(tmp_path):
    (tmp_path / "law.xml").write_text(EGOV_XML, encoding="utf-8")
    (tmp_path / "sources.toml").write_text('[[document]]\nid="law"\ntitle="試験用法律"\nlabel="試験法"\n'
                                           'format="law_xml"\npath="law.xml"\n', encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.full_text("law:10-2") == "第10条の2 (細則)\n国は、次に掲げる措置を講ずる。\n一 調査\n二 研究\n2 前項の措置は公表する。"


def test_malformed_xml_is_a_corpus_error(tmp_path):
    doc = Document(id="law", title="t", label="l", format="law_xml", path=tmp_path / "x")
    with pytest.raises(CorpusError, match="not well-formed"):
        parse_law_xml("<Law><LawBody>", doc)


def _two_laws(tmp_path, fixture_aliases='["テスト法", "試験法律"]'):
    """The AI Act (copied) and the e-Gov fixture law, each with its names, in one temporary corpus."""
    from planqa.corpus import DEFAULT_CORPUS_DIR

    (tmp_path / "ai_act.txt").write_bytes((DEFAULT_CORPUS_DIR / "ai_act.txt").read_bytes())
    (tmp_path / "law.xml").write_text(EGOV_XML, encoding="utf-8")
    (tmp_path / "sources.toml").write_text(
        '[[document]]\nid="ai_act"\ntitle="人工知能関連技術の研究開発及び活用の推進に関する法律"\nlabel="AI法"\n'
        'aliases=["AI推進法", "本法"]\nformat="law_text"\npath="ai_act.txt"\n\n'
        f'[[document]]\nid="law"\ntitle="試験用法律"\nlabel="試験法"\naliases={fixture_aliases}\n'
        'format="law_xml"\npath="law.xml"\n', encoding="utf-8")
    return load_corpus(tmp_path)


def test_a_law_is_known_by_the_names_its_manifest_gives(tmp_path):
    from planqa.normalize import find_references, normalize_query

    corpus = _two_laws(tmp_path)
    names = corpus.names
    assert names.named("テスト法とAI推進法の関係") == ["law", "ai_act"] and names.laws == ("ai_act", "law")
    assert find_references(normalize_query("テスト法第10条の2", None, names), names) == ["law:10-2"]
    assert find_references(normalize_query("試験用法律の第1条", None, names), names) == ["law:1"]  # its title
    assert find_references(normalize_query("第3条", None, names), names) == ["ai_act:3"]  # the first law by default
    assert find_references(normalize_query("AI推進法第3条とテスト法第1条", None, names), names) == ["ai_act:3", "law:1"]
    assert not names.law("基本法の話")  # 本法 inside 基本法 is no name


@pytest.mark.parametrize("aliases, message", [
    ('"テスト法"', "must be a list of names"),
    ('["テスト法", ""]', "must be a list of names"),
    ('["AI推進法"]', "already 'ai_act'"),  # one name, two documents
])
def test_bad_aliases_are_manifest_errors(tmp_path, aliases, message):
    with pytest.raises(CorpusError, match=message):
        _two_laws(tmp_path, aliases)
