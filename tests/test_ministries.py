"""The ministry table: leads (◎), co-responsible bodies, sectors, name normalisation."""

from __future__ import annotations

import json
import subprocess

import pytest

from planqa.ministries import canonical_name, find_measures


@pytest.mark.parametrize("mid, lead", [
    ("plan:3.1.1.1", ["デジタル庁"]),
    ("plan:3.1.1.3", ["総務省"]),
    ("plan:3.1.2.1", ["内閣府(AI室)"]),
    ("plan:3.1.2.2", []),
    ("plan:3.1.4.1", ["内閣府(規制室)"]),
    ("plan:3.1.4.3", []),
    ("plan:3.2.1.6", ["外務省"]),
    ("plan:3.2.4.2", []),
    ("plan:3.2.4.3", ["経済産業省"]),
    ("plan:3.3.1.3", ["警察庁"]),
    ("plan:3.3.2.6", ["外務省"]),
    ("plan:3.4.2.3", ["内閣府(知財事務局)"]),
    ("plan:3.4.3.5", ["経済産業省"]),
    ("plan:3.4.4.3", ["厚生労働省"]),
])
def test_lead_is_exactly_what_the_double_circle_marks(table, mid, lead):
    assert list({m.id: m for m in table}[mid].lead) == lead


def test_sector_entries_stay_with_their_sector(table):
    m = {m.id: m for m in table}["plan:3.1.2.1"]
    sectors = {s.sector: s.ministries for s in m.sectors}
    assert sectors["医療・ヘルスケア"] == ("内閣府(人・くらしG)", "厚生労働省", "経済産業省")
    assert sectors["防災・消防"] == ("内閣府(防災)", "総務省", "文部科学省", "国土交通省")
    assert len(sectors) == 11
    assert "内閣府(人・くらしG)" in m.ministries and m.lead == ("内閣府(AI室)",)


def test_two_projects_of_one_measure_are_sub_entries(table):
    m = {m.id: m for m in table}["plan:3.2.4.2"]
    assert [(s.sector, s.ministries) for s in m.sectors] == [
        ("高性能AI半導体等の研究及び開発", ("総務省", "文部科学省", "経済産業省")),
        ("富岳NEXTの開発", ("文部科学省",))]


@pytest.mark.parametrize("text, named", [
    ("高性能AI半導体等の研究開発の担当は？", True),  # 及び left out: most of its character pairs are there
    ("高性能AI半導体の研究開発は、どの省が受け持っていますか。", True),  # 等 and 及び left out: two thirds of its pairs
    ("AI半導体の担当は？", False),
    ("研究開発の担当は？", False),
])
def test_a_project_is_named_in_other_words(table, text, named):
    project = {m.id: m for m in table}["plan:3.2.4.2"].sectors[0]
    assert project.named_in(text) is named


def test_each_project_named_gets_its_ministries_and_the_missing_lead_is_said(assistant):
    ans = assistant.ask("富岳NEXTの開発と高性能AI半導体等の研究開発は、それぞれどの省の担当？")
    assert "高性能AI半導体等の研究及び開発の担当は総務省、文部科学省(文科省)、経済産業省(経産省)" in ans.answer
    assert "富岳NEXTの開発の担当は文部科学省(文科省)" in ans.answer
    assert "◎による主担当の指定はありません" in ans.answer


def test_names_are_canonical_and_collective_entries_kept(table):
    names = {n for m in table for n in m.ministries}
    assert not names & {"経産省", "文科省", "厚労省", "農水省", "国交省", "個情委", "他関係省庁"}
    assert {"全省庁", "関係省庁", "内閣府(AI室)", "内閣府(規制室)", "内閣官房(デジ行財)"} <= names


@pytest.mark.parametrize("short, full", [("経産省", "経済産業省"), ("個情委", "個人情報保護委員会"),
                                         ("内閣府（ＡＩ室）", "内閣府(AI室)"), ("◎総 務省", "総務省")])
def test_canonical_name(short, full):
    assert canonical_name(short) == full


def test_short_and_full_names_filter_alike(table):
    assert find_measures(table, lead="経産省") == find_measures(table, lead="経済産業省")
    assert [m.id for m in find_measures(table, lead="外務省")] == ["plan:3.2.1.6", "plan:3.3.2.4", "plan:3.3.2.6"]


def test_cli_ministries_json_shape():
    out = subprocess.run(["planqa", "ministries", "--lead", "外務省", "--json"], capture_output=True, text=True,
                         check=True).stdout
    rows = json.loads(out)
    assert rows[0] == {"id": "plan:3.2.1.6", "label": "骨子 第3章第2節(1)⑥",
                       "text": "グローバルサウスを含めたAI産業の海外市場展開支援",
                       "lead": ["外務省"], "ministries": ["総務省", "外務省", "経済産業省"], "sectors": []}


def test_ministries_are_named_in_the_order_the_question_names_them(assistant):
    from planqa.routes import ministry_mentions

    named = ministry_mentions("総務省・外務省・経産省の三つが並ぶ取組で、◎が総務省になっているのはどれ?", assistant.known_ministries)
    assert named == ("総務省", "外務省", "経済産業省")
    assert ministry_mentions("内閣府の知財事務局と経産省", assistant.known_ministries) == ("内閣府(知財事務局)", "経済産業省")


def test_a_repeated_measure_is_marked_in_lists(assistant, table):
    assert [m.id for m in table if m.repeated] == ["plan:3.4.2.1"]
    ans = assistant.ask("【再掲】のものも合わせて、内閣府(規制室)が主担当(◎)の施策を全部挙げて。")
    line = next(line for line in ans.answer.splitlines() if line.endswith("【再掲】[骨子 第3章第4節(2)①]"))
    assert "規制・制度の点検・見直し" in line  # the mark stays next to the label, after the other ministries


def test_a_short_list_of_lead_measures_names_each_measures_other_ministries(assistant, table):
    answer = assistant.ask("外務省が◎の施策を一覧で")
    listed = [line for line in answer.answer.splitlines() if line.startswith("・◎")]
    leads = [m for m in table if "外務省" in m.lead]
    assert len(listed) == len(leads) >= 2
    for m, line in zip(leads, listed):  # 「(◎外務省、防衛省)」 after each measure
        others = [n for n in m.ministries if n != "外務省"]
        assert others and all(n in line for n in others), line
