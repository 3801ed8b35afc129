"""Grounded answers: routes, citations, abstention, follow-ups and bad input."""

from __future__ import annotations

import re

import pytest

from planqa.errors import InvalidQuestionError

LABEL = re.compile(r"\[[^\]]+\]$")


def assert_grounded(answer):
    """Every line ends with a label that belongs to a cited place."""
    labels = {c.label for c in answer.citations}
    for line in answer.answer.splitlines():
        found = LABEL.search(line)
        assert found, f"uncited line: {line}"
        assert found.group(0)[1:-1] in labels, line


@pytest.mark.parametrize("question", ["AI法に罰則はある？", "AI法って罰則あるの？", "違反したら罰金を取られますか？"])
def test_penalty_questions_are_answered_no_with_grounds(assistant, question):
    ans = assistant.ask(question)
    assert ans.route == "penalty" and not ans.abstained
    assert ans.answer.startswith("AI法には罰則の規定はありません。")
    assert [c.id for c in ans.citations] == ["ai_act:title", "ai_act:8.1", "ai_act:16.1"]
    assert_grounded(ans)


@pytest.mark.parametrize("question", [
    "フィジカルAIの先導導入支援の担当は？",
    "フィジカルAIの先導導入支援はどこの省が所管？",
    "第3章第1節(3)①の主担当府省庁は。",
])
def test_ministry_of_a_measure_without_lead(assistant, question):
    ans = assistant.ask(question)
    assert ans.route == "ministry"
    assert [c.id for c in ans.citations] == ["plan:3.1.3.1"]
    assert "経済産業省(経産省)" in ans.answer and "主担当の指定はありません" in ans.answer
    assert ans.retrieved[0].chunk.ids == ("plan:3.1.3.1",)


def test_ministry_with_lead_names_lead_and_co_responsible(assistant):
    ans = assistant.ask("地方自治体のAI利活用の促進はどこが担当しているの？")
    assert [c.id for c in ans.citations] == ["plan:3.1.1.3"]
    assert "主担当(◎)は総務省です。" in ans.answer and "デジタル庁" in ans.answer
    assert_grounded(ans)


def test_sector_inside_a_measure_answers_for_that_sector(assistant):
    ans = assistant.ask("医療・ヘルスケア分野のAI活用の担当省庁は？")
    assert "医療・ヘルスケアの担当は内閣府(人・くらしG)、厚生労働省(厚労省)、経済産業省(経産省)です。" in ans.answer
    assert "主担当(◎)は内閣府(AI室)" in ans.answer
    assert [c.id for c in ans.citations] == ["plan:3.1.2.1"]


@pytest.mark.parametrize("question, lead_only", [
    ("外務省が主担当の施策は？", True),
    ("外務省がリードしている取組を全部教えて", True),
    ("外務省が関わる施策は？", False),
])
def test_what_a_ministry_leads_or_takes_part_in(assistant, question, lead_only):
    ans = assistant.ask(question)
    assert ans.route == "ministry_list"
    ids = [c.id for c in ans.citations]
    assert {"plan:3.2.1.6", "plan:3.3.2.4", "plan:3.3.2.6"} <= set(ids)
    assert (len(ids) == 3) == lead_only
    assert_grounded_list(ans)


def assert_grounded_list(ans):
    lines = ans.answer.splitlines()
    assert lines[0].endswith("件です。")
    for line in lines[1:]:
        assert LABEL.search(line), line


def test_sole_responsibility_lists_measures_a_body_carries_alone(assistant):
    ans = assistant.ask("経産省が単独で担当している取組はどれ？")
    assert [c.id for c in ans.citations] == ["plan:3.1.2.2", "plan:3.1.3.1"]


def test_article_question_quotes_the_article(assistant):
    ans = assistant.ask("第十八条には何が書いてある？")
    assert ans.route == "reference"
    ids = [c.id for c in ans.citations]
    assert ids[:3] == ["ai_act:18.1", "ai_act:18.2", "ai_act:18.2.1"] and "ai_act:18.5" in ids
    assert_grounded(ans)


def test_purpose_question_quotes_article_one(assistant):
    ans = assistant.ask("AI法の目的は？")
    assert ans.citations[0].id == "ai_act:1.1"
    assert "国民生活の向上及び国民経済の健全な発展に寄与することを目的とする" in ans.answer


def test_definition_quotes_the_definition(assistant):
    ans = assistant.ask("人工知能関連技術とは何ですか")
    assert ans.citations[0].id == "ai_act:2.1"
    assert ans.answer.startswith("この法律において、「人工知能関連技術」とは")


def test_items_follow_their_lead_sentence(assistant):
    ans = assistant.ask("人工知能基本計画には何を定めることになっている？")
    assert "ai_act:18.2.1" in [c.id for c in ans.citations]
    assert "一 人工知能関連技術の研究開発及び活用の推進に関する施策についての基本的な方針" in ans.answer


def test_law_title_number_and_date(assistant):
    ans = assistant.ask("AI法の法律番号は？")
    assert ans.route == "metadata"
    assert "令和七年法律第五十三号" in ans.answer and "令和7年6月4日" in ans.answer


def test_missing_supplementary_article_is_declared_unavailable(assistant):
    ans = assistant.ask("附則第3条には何が書いてある？")
    assert ans.abstained and "入手できていない" in ans.answer


@pytest.mark.parametrize("question", [
    "明日の東京の天気は？",
    "EUのAI法の罰金の上限は？",
    "ChatGPTの使い方を教えて",
    "個人情報保護法に違反した場合の罰則の内容を教えてください。",
    "人工知能戦略本部の会合は年に何回開かれますか。",
    "今の人工知能戦略担当大臣は誰？",
    "生成AIで作った画像の著作権は誰のもの？",  # rights and liability are not in the documents
    "ディープフェイク動画を作ったら何罪？",
    "人工知能基本計画って、いつ閣議決定されたの？",  # a past date the documents do not give
    "広島AIプロセスの国際行動規範は何項目？",
    "AIで生成したイラストの著作権って、プロンプト打った人のものになるの？",
    "人工知能戦略担当大臣って今だれがやってるの？",
    "広島AIプロセスフレンズグループの参加国数は？",
    "AISIのトップって誰？",  # the documents name the headquarters' head only
    "政府の業務で使うAIって、どこの会社の製品？",  # nor companies or products
    "明日の東京の天気どうなってる？☔",
    "いまの人工知能戦略担当大臣って誰？名前知りたい",
    "人工知能基本計画に盛り込まれる施策について、令和八年度予算の概算要求額は府省庁別にいくらか。",  # no amounts
    "この法律って、ぶっちゃけ良い法律だと思う？",  # no opinions
    "ガバメントAIって、いつから全部の省庁で使えるようになるの？",  # no dates from the ministry table
    "こども家庭庁が主導するAI関連の施策を骨子から教えて",  # a body the documents never name
    "ガバメントAIで各省庁が使う生成AIはどこの会社のモデルに決まったの",  # a company, asked on the ministry route
    "AI基本計画 1兆円 内訳",  # an amount, named rather than asked
    "生成AIで作ったイラストに著作権は認められますか。これまでの裁判所の判断を教えてください。",
    "デジタル社会形成基本法の第2章に書かれている基本理念の中身を、条文ごとに教えてください。",  # another law's text
    "骨子は個人情報の保護に関する法律の改正に言及しているが、現行の個人情報保護法において、個人情報データベース等不正提供罪の法定刑は如何。",
    "「富岳NEXT」が目標とする計算性能として正しいものを選べ。 ア 10ペタフロップス級　イ 1エクサフロップス級　ウ 50エクサフロップス級　エ ゼタフロップス級",
    "AIガバナンスの国際的枠組み「広島AIプロセス」が立ち上げられたG7サミットの開催年として正しいものを選べ。 1. 2021年　2. 2022年　3. 2023年　4. 2024年",
    "経産省でAI政策を担当している課長さんの名前を教えてください。",  # named officials, on the ministry route too
    "○×で答えよ。人工知能基本計画は、令和7年12月に閣議決定された。",  # a date the documents never give
    "人工知能戦略専門調査会に関し、次の事項を明らかにされたい。一　委員の定数　二　委員の任期　三　委員の選考基準",
    "AI導入の補助金って、どこでどうやって申請すればいいの？",
    "富岳NEXTのスペックってどのくらい？",  # specifications the documents do not give
    "10年後にAIでなくなる仕事は何？",  # predictions
    "第三章及び第四章の施行期日を定める政令では、具体的に何月何日を施行日と定めたのか、お答えください。",  # no day given
    "Q. AIセーフティ・インスティテュート（AISI）の所長を務めているのは誰？",
])
def test_out_of_scope_questions_are_declined(assistant, question):
    ans = assistant.ask(question)
    assert ans.abstained and ans.citations == ()
    assert ans.answer.startswith("ご質問の内容は、AI基本計画(骨子)とAI法の中には書かれていないため、お答えできません。")


def test_follow_up_refers_to_the_previous_measure(assistant):
    first = assistant.ask("AIデータセンターや電力・通信インフラの整備について教えて")
    assert first.citations[0].id == "plan:3.2.4.1"
    follow = assistant.ask("それの担当は？", history=[first])
    assert follow.route == "ministry" and [c.id for c in follow.citations] == ["plan:3.2.4.1"]
    assert "主担当(◎)は総務省です。" in follow.answer
    alone = assistant.ask("それの担当は？")
    assert [c.id for c in alone.citations] != ["plan:3.2.4.1"]


def test_json_shape_is_spec_section_5(assistant):
    obj = assistant.ask("AI法の目的は？").to_json()
    assert list(obj) == ["answer", "abstained", "citations", "retrieved", "latency_ms"]
    assert set(obj["citations"][0]) == {"id", "label", "text"}
    assert len(obj["retrieved"]) == 10 and set(obj["retrieved"][0]) == {"ids", "score"}
    assert obj["latency_ms"] > 0


@pytest.mark.parametrize("question, message", [
    ("", "質問を入力してください。"),
    ("   \n\t ", "質問を入力してください。"),
    ("？？？", "質問を入力してください。"),
    ("あ" * 20000, "質問が長すぎます（20000文字）。500文字以内で、要点をしぼって入力してください。"),
    (None, "質問は文字で入力してください。"),
])
def test_bad_input_gets_a_japanese_message(assistant, question, message):
    with pytest.raises(InvalidQuestionError) as err:
        assistant.ask(question)
    assert err.value.user_message == message


def test_control_characters_and_lone_surrogates_are_cleaned(assistant):
    ans = assistant.ask("AI法の\x00目的は\ud800？\u202e")
    assert ans.citations[0].id == "ai_act:1.1"


def test_html_and_citation_lookalikes_in_questions_are_plain_text(assistant):
    ans = assistant.ask("<img src=x onerror=alert(1)> [ai_act:99] AI法の目的は？")
    assert "<img" not in ans.answer and "ai_act:99" not in [c.id for c in ans.citations]


def test_questions_in_other_languages_are_politely_declined(assistant):
    ans = assistant.ask("What is the purpose of the AI Act?")
    assert ans.abstained and ans.route == "language"
    assert ans.answer.startswith("日本語でご質問ください。")


@pytest.mark.parametrize("question", [
    "**AI法**の[目的](http://example.com)は？",
    "<script>alert(1)</script>AI法の目的は？",
    "# AI法の目的\n> は？",
])
def test_markup_in_questions_is_ignored_for_retrieval(assistant, question):
    ans = assistant.ask(question)
    assert not ans.abstained and ans.citations[0].id == "ai_act:1.1"


def test_measure_that_cites_an_article_is_found_from_the_article(assistant):
    ans = assistant.ask("AI法第16条に基づく取組の主担当はどこ？")
    assert ans.citations[0].id == "plan:3.3.1.1" and "内閣府(AI室)" in ans.answer


def test_article_caption_names_the_article(assistant):
    ans = assistant.ask("AI法において、国の責務はどのように規定されているか。")
    assert [c.id for c in ans.citations] == ["ai_act:4.1", "ai_act:4.2"]


def test_structure_of_the_act_comes_from_its_table_of_contents(assistant):
    ans = assistant.ask("AI法は何章構成？")
    assert ans.route == "metadata" and "第四章 人工知能戦略本部(第十九条―第二十八条)" in ans.answer


def test_multiple_choice_options_do_not_steer_the_answer(assistant):
    ans = assistant.ask("人工知能戦略本部の本部長は誰が務める？ ①内閣官房長官 ②内閣総理大臣 ③デジタル大臣")
    assert ans.citations[0].id == "ai_act:22.1"


def test_diet_style_question_is_answered_from_its_asking_part(assistant):
    ans = assistant.ask("政府は、いわゆるAI推進法に基づき人工知能基本計画を策定するとしているが、同計画においてAIのリスクへの"
                        "対応をどのように位置付けているのか、政府の見解を問う。")
    assert ans.citations[0].id == "plan:1.4"


@pytest.mark.parametrize("question, first", [
    ("AIのせいで起きた被害って国が調べてくれるの？", "ai_act:16.1"),
    ("AI本部のトップって誰？", "ai_act:22.1"),
    ("このAI法、いつから？", "ai_act:suppl.1.1"),
    ("AI法の目的は？", "ai_act:1.1"),
])
def test_casual_words_reach_the_statute_terms(assistant, question, first):
    ans = assistant.ask(question)
    assert not ans.abstained and ans.citations[0].id == first


@pytest.mark.parametrize("question", ["AI法はディープフェイクを禁止していますか？", "AIを使うのにAI法で届出はいる？"])
def test_act_licenses_and_prohibits_nothing(assistant, question):
    ans = assistant.ask(question)
    assert ans.route == "regulation" and [c.id for c in ans.citations] == ["ai_act:title", "ai_act:7.1"]
    assert "協力しなければならない" in ans.answer
    assert_grounded(ans)


def test_foreign_regulation_is_not_answered_from_the_act(assistant):
    assert assistant.ask("EUのAI法は何を禁止している？").abstained


def test_ministry_list_narrows_to_the_named_subject(assistant):
    ans = assistant.ask("経産省が担当する中小企業の施策は？")
    assert [c.id for c in ans.citations] == ["plan:3.1.2.2"]


def test_what_a_ministry_does_without_a_who_word(assistant):
    ans = assistant.ask("防衛省は何をするの？")
    assert ans.route == "ministry_list" and [c.id for c in ans.citations] == ["plan:3.1.2.3", "plan:3.3.2.4"]


def test_measures_two_ministries_share(assistant):
    ans = assistant.ask("外務省と防衛省の両方が関わる施策は？")
    assert [c.id for c in ans.citations] == ["plan:3.3.2.4"]


def test_why_was_the_act_made_quotes_its_purpose(assistant):
    ans = assistant.ask("AI法ってなんのためにできたの？")
    assert [c.id for c in ans.citations] == ["ai_act:1.1"]


@pytest.mark.parametrize("question, measure", [
    ("ガバメントAIの推進って、どこの役所が中心になってやるの？", "plan:3.1.1.1"),
    ("AI時代における教育の推進で◎が付いている省は？", "plan:3.4.4.2"),  # 教育 is also a sector of 3.1.2.1
    ("AIモデルのマルチモーダル化を進める取組の担当府省庁を教えて。", "plan:3.2.1.4"),
    ("金融でのAIエージェント導入の担当は？", "plan:3.1.2.1"),
])
def test_ministry_questions_find_the_measure_named(assistant, question, measure):
    ans = assistant.ask(question)
    assert ans.route == "ministry" and [c.id for c in ans.citations] == [measure]


def test_liability_words_about_the_act_still_get_the_penalty_answer(assistant):
    ans = assistant.ask("AI法に違反したら逮捕される？")
    assert ans.route == "penalty" and "罰則の規定はありません" in ans.answer


def test_each_ask_of_a_diet_question_is_answered(assistant):
    ans = assistant.ask(
        "地方公共団体におけるAIの活用には差があるとの指摘がある。同法は地方公共団体の責務をいかに規定しているのか。"
        "また、骨子(案)において地方自治体のAI利活用の促進を主として担う府省はいずれか。政府の見解を問う。")
    ids = [c.id for c in ans.citations]
    assert "ai_act:5.1" in ids and "plan:3.1.1.3" in ids
    assert "区域の特性" in ans.answer and "総務省" in ans.answer


def test_ministry_named_with_a_measure_is_checked_against_it(assistant):
    ans = assistant.ask("スタートアップ支援に総務省は入ってる？")
    assert ans.citations[0].id == "plan:3.1.3.3"
    assert "総務省はこの施策の担当に含まれていません。" in ans.answer
    ans = assistant.ask("AI関連産業の立地促進の件、新資本事務局も絡んでる？")
    assert "内閣府(新資本事務局)もこの施策の担当に含まれています。" in ans.answer


def test_no_lead_measure_lists_what_the_ministry_takes_part_in(assistant):
    ans = assistant.ask("防衛省が◎になってる取組ってある？")
    assert "防衛省が主担当(◎)の施策は骨子にありません。" in ans.answer
    assert [c.id for c in ans.citations] == ["plan:3.1.2.3", "plan:3.3.2.4"]


@pytest.mark.parametrize("question, expected", [
    ("内閣府の知財事務局が主担当になってる取組を教えてください。", ["plan:3.4.2.3"]),  # one unit, not all of 内閣府
    ("警察庁が担当として出てくる施策は何件？それぞれ◎付き？", ["plan:3.3.1.3", "plan:3.1.2.4"]),
])
def test_ministry_lists_read_the_question_closely(assistant, question, expected):
    assert [c.id for c in assistant.ask(question).citations] == expected


def test_a_unit_named_with_except_is_left_out(assistant):
    ans = assistant.ask("内閣府(AI室)以外で、担当として名前が出てくる内閣府の部局を挙げてください。")
    assert "内閣府(AI室)が" not in ans.answer and "内閣府(知財事務局)" in ans.answer


@pytest.mark.parametrize("question, place, word", [
    ("ハルシネーションのことって計画にちゃんと書いてある？", "plan:1.4", "ハルシネーション"),
    ("骨子でいうAIトランスフォーメーションとは何のこと？", "plan:3.4.1.1", "AIトランスフォーメーション"),
])
def test_a_rare_word_of_the_question_leads_to_its_sentence(assistant, question, place, word):
    ans = assistant.ask(question)  # term weights come from how few chunks hold the word
    assert ans.citations[0].id == place and word in ans.answer.splitlines()[0]


@pytest.mark.parametrize("question, place", [
    ("うちの会社でAIツール入れてるんだけど、AI法で会社側に義務ってあるの？", "ai_act:7.1"),  # 義務 → 責務
    ("ちっちゃい会社なんだけど、AI入れるのって国から手伝ってもらえたりする？", "plan:3.1.2.2"),  # → 中小企業
    ("ディープフェイク見抜く技術とか、国で開発してたりする？", "plan:3.3.1.5"),  # → AI生成コンテンツを判別
    ("AI本部?のトップって誰がやるの", "ai_act:22.1"),  # the headquarters is the Act's, not a plan measure
    ("基本計画って一回作ったらずっとそのまま？", "plan:4.2"),
    ("子どもにAIの使い方教えるみたいな話って計画に入ってる？", "plan:3.4.3.6"),  # → 初等中等教育
    ("AIに仕事うばわれそうで不安…国はなんか考えてくれてるの？", "plan:3.4.2.4"),  # → 代替
])
def test_casual_words_reach_the_documents_terms(assistant, question, place):
    assert assistant.ask(question).citations[0].id == place


def test_diet_ask_leaning_on_its_preamble_keeps_the_subject(assistant):
    ans = assistant.ask("軍事領域におけるAIの利用については国際社会において議論が続いているところである。骨子(案)では、"
                        "この分野の国際的議論に我が国がいかなる考え方で臨むこととされているのか。担当府省と併せてお示し願いたい。")
    assert [c.id for c in ans.citations] == ["plan:3.3.2.4"] and "外務省" in ans.answer


@pytest.mark.parametrize("question, place", [
    ("人工知能基本計画の案の作成から公表まで、法律上いかなる手続が定められているのか。"
     "また、同計画を変更する場合にも同様の手続を経ることとされているのか。", "ai_act:18.5"),  # 同計画
    ("骨子(案)は民事責任等のあり方を検討するとしているが、当該検討を主として担う府省及びこれに関与する府省庁をすべて示されたい。",
     "plan:3.4.2.2"),  # 当該検討: the preamble names the subject
    ("骨子で個人情報保護法の改正を担うのはどこですか。", "plan:3.1.4.3"),
])
def test_diet_phrasing_keeps_what_it_refers_to(assistant, question, place):
    assert place in [c.id for c in assistant.ask(question).citations]


def test_sectors_named_by_their_first_word(assistant):
    ans = assistant.ask("医療とか介護でAIつかう話、担当ってどこの省？")
    assert "医療・ヘルスケアの担当は内閣府(人・くらしG)" in ans.answer and "介護の担当は厚生労働省(厚労省)" in ans.answer


def test_multiple_choice_names_the_option_missing_from_the_documents(assistant):
    ans = assistant.ask("次のうち、骨子の「4つの基本的な方針」に含まれないものはどれか。A「AIを使う」 B「AIを創る」 C「AIを規制する」")
    assert ans.answer.startswith("選択肢のうち、文書の該当箇所に見当たらないのはC「AIを規制する」です。")
    assert ans.citations[0].id == "plan:2.2"


def test_a_ministry_list_shows_who_else_shares_a_measure(assistant):
    ans = assistant.ask("防衛省が関わってる施策をまとめて教えて")
    assert "参画(◎外務省、防衛省)[骨子 第3章第3節(2)④]" in ans.answer


def test_two_measures_matching_a_question_equally_are_both_answered(assistant):
    ans = assistant.ask("マルチモーダルに関する取組の主担当は？")  # the word is in exactly these two measures
    assert {c.id for c in ans.citations} == {"plan:3.2.1.1", "plan:3.2.1.4"}
    ans = assistant.ask("AIの社会実装に向けた規制の見直しは誰がやるの？")  # listed twice (【再掲】)
    assert {c.id for c in ans.citations} == {"plan:3.1.4.1", "plan:3.4.2.1"}


def test_a_ministry_list_is_never_emptied_by_filler_words(assistant):
    ans = assistant.ask("骨子の中で厚生労働省に◎が付いている取組はどれですか。")
    assert [c.id for c in ans.citations] == ["plan:3.4.4.3"]


@pytest.mark.parametrize("question, place", [
    ("SNSのAIフェイク動画とかデマ多すぎ😡 計画でなんか対策ある？", "plan:3.3.1.5"),  # SNS is an everyday word
    ("AI法っていつ施工されたの？", "ai_act:suppl.1.1"),  # a common typo of 施行
    ("人工知能戦略本部はその所掌事務のため関係行政機関等に協力を求めることができるが、求め得る協力の内容は何か。"
     "また、これらの者以外の者に対しては如何なる対応が可能か。", "ai_act:25.2"),
])
def test_everyday_phrasing_is_answered(assistant, question, place):
    ans = assistant.ask(question)
    assert not ans.abstained and place in [c.id for c in ans.citations]


def test_a_follow_up_ask_answered_by_the_first_gets_no_missing_note(assistant):
    ans = assistant.ask("半導体の話ってある？国産のAIチップとかスパコンとか作るの？")
    assert "plan:3.2.4.2" in [c.id for c in ans.citations] and "文書に記載がありません" not in ans.answer


@pytest.mark.parametrize("question, place", [
    ("AI法の基本理念って何個あるの？", "ai_act:3.5"),  # the whole article, every principle listed
    ("地方でAIを使った新しい産業ってどうやって作るの", "plan:3.4.1.2"),  # 地方 → 地域
    ("基本計画は国会で議決されるの？", "ai_act:18.4"),  # the documents know 閣議の決定, not the Diet
])
def test_more_everyday_questions(assistant, question, place):
    ans = assistant.ask(question)
    assert not ans.abstained and place in [c.id for c in ans.citations]


def test_how_things_change_is_not_a_plan_revision(assistant):
    ans = assistant.ask("AIで医療ってどう変わるの？計画にある？")
    assert "plan:4.2" not in [c.id for c in ans.citations] and "医療" in ans.answer


def test_is_the_act_a_regulation(assistant):
    assert assistant.ask("AI法って規制法なの？推進法なの？").route == "regulation"


def test_two_ministries_working_together(assistant):
    ans = assistant.ask("総務省と経産省が一緒にやってる施策は？")
    assert ans.route == "ministry_list" and ans.answer.startswith("総務省と経済産業省(経産省)がともに担当する施策は")  # in the order asked


@pytest.mark.parametrize("question, place", [
    ("AI新法っていつから効力あるん？もう始まっとる？", "ai_act:suppl.1.1"),
    ("ハルシネーションてAIがしれっと嘘つくやつでしょ？政府の計画でもリスク扱いされてるの？", "plan:1.4"),
    ("AISIってなんの略だっけｗ 計画だとそこどうするって書いてあった？", "plan:3.3.1.4"),  # chat laughter is no word
])
def test_chat_speech_is_not_mistaken_for_out_of_scope(assistant, question, place):
    ans = assistant.ask(question)
    assert not ans.abstained and ans.citations[0].id == place


def test_a_ministry_list_narrowed_to_the_section_named(assistant):
    ans = assistant.ask("経産省が◎（主担当）になっている取組を、第3章第4節の中から全部挙げてください。")
    assert [c.id for c in ans.citations] == ["plan:3.4.1.1", "plan:3.4.2.2", "plan:3.4.3.5"]


def test_a_proviso_follows_the_rule_it_qualifies(assistant):
    ans = assistant.ask("AI法っていつから施行されてんの？")
    lines = ans.answer.splitlines()
    assert lines[0].startswith("この法律は、公布の日から施行する。") and lines[1].startswith("ただし、第三章及び第四章")


def test_any_question_about_a_missing_article_says_it_was_not_obtained(assistant):
    ans = assistant.ask("AI法の附則第3条ってなにが書いてあるの？ほかの法律をいじってるって聞いたんやけど")
    assert ans.abstained and "入手できていない" in ans.answer


@pytest.mark.parametrize("question, place", [
    ("政府は新たな立法措置や予算措置を講ずることが法律上求められているのか。", "ai_act:10.1"),  # 予算措置 is no amount
    ("AIの法律って一回つくったらそれっきり？あとで見直したりするんかな🤔", "ai_act:suppl.2.1"),  # the Act's review
    ("ちっちゃい工場やってて、AI入れてみたいんやけど国の支援って計画にある？", "plan:3.1.2.2"),
    ("新しい薬つくるのにAI使うって話、計画に載ってる？担当どこ？", "plan:3.2.2.3"),
    ("【用語クイズ】AI法の条文で「データセット」はどのように定義されているでしょうか？", "ai_act:12.1"),
    ("はんてんこうせいのこうきって、骨子で何のこと言うとるん？", "plan:1.3"),  # 反転攻勢の好機 in kana
    ("中学の教員です。生徒や地域の大人がAIを正しく使いこなせるようにする国の取組は、骨子ではどこが旗振り役ですか", "plan:3.4.3.6"),
    ("町工場をやってます。AIを積んだ機械で事故が起きたとき誰が賠償するのかのルールづくり、国はどこが中心で進めてますか",
     "plan:3.4.2.2"),
    ("時代遅れになった規制をAIに合わせて見直す取組って、どこの役所が仕切ってるの？", "plan:3.1.4.1"),  # not its 【再掲】
    ("市役所の企画課です。市として独自のAI活用方針を作ることはAI法の上でどう位置づけられていますか", "ai_act:5.1"),
    ("えーと基本計画ってなにを書かなきゃいけないって法律で決まってるんでしたっけ", "ai_act:18.2"),
    ("最近、AIで家族の声をまねした詐欺電話があるとテレビで見ました。国の計画では、警察はAIに関してどんなことをすることに"
     "なっているんですか？", "plan:3.1.2.4"),  # 「国の計画では」 says where to look, not what to find
    ("「フィジカルAI」って最近よく聞くんですけど、AI基本計画の骨子ではどういうものとして説明されていますか？", "plan:1.2"),
    ("教育委員会の職員です。人工知能基本計画骨子には「人間力」という言葉が出てきますが、どのような意味・文脈で使われているの"
     "でしょうか。", "plan:2.2.4"),  # the quoted word survives the cut preamble
    ("AI法ができてAI導入の補助金が出るって聞いたんだけど、法律に補助金のことって書いてあるの？", "ai_act:10.1"),
    ("人工知能基本計画骨子第2章の「4つの基本的な方針」を、それぞれに付された括弧内の標語とともにすべて答えよ。", "plan:2.2"),
])
def test_measures_and_provisions_behind_everyday_words(assistant, question, place):
    assert assistant.ask(question).citations[0].id == place


def test_a_quiz_option_named_by_the_heading_of_the_quoted_place(assistant):
    ans = assistant.ask("骨子の「4つの基本的な方針」のうち、「AIと協働する」と言い換えられているものはどれ？\n"
                        "① AI利活用の加速的推進\n② AI開発力の戦略的強化\n③ AIガバナンスの主導\n④ AI社会に向けた継続的変革")
    assert ans.answer.startswith("選択肢のうち、文書の該当箇所に書かれているのは④「AI社会に向けた継続的変革」です。")


def test_an_age_in_the_question_is_not_an_unknown_word(assistant):
    ans = assistant.ask("わしゃもう80近い年寄りじゃが、AI法ちゅうのは、わしら国民にも何か義務を負わせとるんかいのう？")
    assert not ans.abstained and ans.citations[0].id == "ai_act:8.1"


def test_a_rare_word_narrows_a_ministry_list_to_its_measure(assistant):
    ans = assistant.ask("骨子(案)に名前が出てくる、文科省担当の「富岳」の名前がついた開発は何？")
    assert [c.id for c in ans.citations] == ["plan:3.2.4.2"] and "富岳NEXT" in ans.answer


def test_a_heading_named_by_its_short_form_is_quoted_whole(assistant):
    ans = assistant.ask("3原則ってなんだっけ")
    assert [c.id for c in ans.citations] == ["plan:2.1"] and "内外一体" in ans.answer and "アジャイル" in ans.answer


def test_asking_for_all_of_it_quotes_the_whole_place(assistant):
    ans = assistant.ask("基本計画の推進体制ってどうなってるんですか？会議体の名前を全部知りたいです")
    assert "人工知能戦略推進会議" in ans.answer and "人工知能戦略専門調査会" in ans.answer


def test_an_enumeration_answers_in_full_and_alone(assistant):
    ans = assistant.ask("人工知能戦略本部の所掌事務は何ですか。")
    assert [c.id for c in ans.citations] == ["ai_act:20.1", "ai_act:20.1.1", "ai_act:20.1.2"]


@pytest.mark.parametrize("question, place", [
    ("最近「AI法」ができたとニュースで見ました。仕事でAIツールを使うことが増えてきて、自分が使っているものも対象になるのか"
     "気になっています。そもそもこの法律では「AI」をどういうものだと定めているんでしょうか？法律に詳しい方教えてください。",
     "ai_act:2.1"),
    ("社会科の授業でAIの危険性を整理したいと思っています。国の計画の骨子では、AIの危なさをどんな種類に分けて、"
     "それぞれどんな例を挙げていますか。", "plan:1.4"),  # 授業 in the background no longer means 教育
    ("基本計画がちゃんと進んでいるかどうかは、誰がどうやってチェックすることになっているんですか？", "plan:4.1"),
    ("法律の中で、AIが悪い目的や不適切なやり方で開発・利用されたときに起こりうる問題として、具体的に挙げられている例を"
     "紹介したいのですが、何が書かれていますか。", "ai_act:3.4"),  # 「…ですが、何が書かれていますか」 keeps its subject
])
def test_long_background_and_paraphrase(assistant, question, place):
    assert place in [c.id for c in assistant.ask(question).citations]


def test_true_false_statements_are_each_looked_up(assistant):
    ans = assistant.ask("【正誤問題】次のア〜ウのうち、正しいものを2つ選べ。\nア 人工知能戦略本部に関する事務は内閣府において処理する。"
                        "\nイ 骨子(案)は、基本計画を当面5年ごとに変更するとしている。"
                        "\nウ 人工知能戦略本部員には、本部長及び副本部長以外の全ての国務大臣が充てられる。")
    ids = [c.id for c in ans.citations]
    assert {"ai_act:26.1", "plan:4.2", "ai_act:24.2"} <= set(ids)
    assert "【イ 骨子(案)は、基本計画を当面5年ごとに変更するとしている】" in ans.answer and "当面は毎年変更を行う" in ans.answer


def test_voice_input_fillers_do_not_count_as_words(assistant):
    ans = assistant.ask("あのーAI法っていつから効力があるのえーと全部の条文が同じ日から始まるの")
    assert not ans.abstained and "ai_act:suppl.1.1" in [c.id for c in ans.citations] and "公布の日" in ans.answer


def test_a_wrong_lead_in_the_question_is_corrected_from_the_table(assistant):
    ans = assistant.ask("AIで仕事がどれだけ置き換わるかの調査は厚生労働省が主担当なんですよね？")
    assert [c.id for c in ans.citations] == ["plan:3.4.2.4"]
    assert "主担当(◎)は内閣府(AI室)" in ans.answer and "厚生労働省(厚労省)もこの施策の担当に含まれています" in ans.answer


def test_a_claim_to_fact_check_is_looked_up_not_declined(assistant):
    ans = assistant.ask("ファクトチェック担当です。『日本のAI関連投資は経済規模の割に少ないと政府の計画案自身が認めている』"
                        "という投稿は合っていますか")
    assert not ans.abstained and [c.id for c in ans.citations] == ["plan:1.1"] and "僅少" in ans.answer


def test_a_chapter_of_the_act_lists_its_articles(assistant):
    ans = assistant.ask("AI法第2章「基本的施策」にはどのような施策の条文がありますか。")
    assert {f"ai_act:{n}" for n in range(11, 18)} <= {c.id for c in ans.citations}


@pytest.mark.parametrize("question, place", [
    ("人工知能戦略本部の本部長は総理大臣？", "ai_act:22.1"),  # not 第23条: 総理大臣 is only in its aside
    ("AI法で人工知能戦略本部はどこに置かれることになっていますか。", "ai_act:19.1"),  # こと covers nothing
])
def test_a_long_aside_does_not_make_a_sentence_win(assistant, question, place):
    assert place in [c.id for c in assistant.ask(question).citations]


def test_which_article_is_not_a_question_about_the_acts_structure(assistant):
    ans = assistant.ask("AI法において「データセット」の定義が置かれているのは第何条か。また、その定義を答えよ。")
    assert ans.citations[0].id == "ai_act:12.1" and "情報の集合物" in ans.answer


def test_an_ask_after_mata_is_answered_from_another_place(assistant):
    ans = assistant.ask("人工知能戦略本部に係る事項について、内閣法にいう主任の大臣は誰か。また、本部に関する事務はどこで処理されるか。")
    assert [c.id for c in ans.citations] == ["ai_act:27.1", "ai_act:26.1"]


@pytest.mark.parametrize("question, place", [
    ("フィジカルAIって何？骨子ではどう説明されてる？", "plan:1.2"),  # 「フィジカルAI」, not the measures using it
    ("骨子のいう「内外一体」ってどういう意味？", "plan:2.1"),
    ("AI法において「データセット」の定義が置かれているのは第何条か。また、その定義を答えよ。", "ai_act:12.1"),
])
def test_a_definition_quotes_only_the_sentences_that_define_the_term(assistant, question, place):
    assert [c.id for c in assistant.ask(question).citations] == [place]


def test_a_true_false_item_about_a_sub_entry_checks_that_sub_entry(assistant):
    ans = assistant.ask("○×問題：人工知能基本計画骨子では、「富岳NEXTの開発」は経済産業省が担当するとされている。")
    assert [c.id for c in ans.citations] == ["plan:3.2.4.2"]
    assert "富岳NEXTの開発の担当は文部科学省(文科省)です" in ans.answer
    assert "経済産業省(経産省)は富岳NEXTの開発の担当に含まれていません" in ans.answer


def test_no_penalty_stated_in_a_preamble_is_not_a_penalty_question(assistant):
    ans = assistant.ask("AI法第七条は活用事業者の責務を定めているが、事業者団体からは、罰則がないとはいえ事業者に過度の負担を課すもの"
                        "ではないかとの懸念が示されている。一　同法にいう「活用事業者」とはいかなる者をいうのか。")
    assert ans.citations[0].id == "ai_act:7.1" and "事業活動において活用" in ans.answer


def test_a_preambles_subject_stays_with_an_ask_that_refers_back(assistant):
    ans = assistant.ask("AI法は令和七年六月四日に公布されたと承知しているが、その施行期日はどのように定められているか。"
                        "人工知能基本計画及び人工知能戦略本部に関する規定も公布と同時に施行されたのか、伺う。")
    assert ans.citations[0].id == "ai_act:suppl.1.1" and "三月を超えない範囲内" in ans.answer


def test_asks_quoted_in_a_story_are_kept_by_a_closing_sorezore(assistant):
    ans = assistant.ask("私は人口1万人ほどの町役場で情報担当をしています。職員は減る一方で、住民サービスを維持するためにAIを導入したいと"
                        "上司に相談したところ、「国の計画では自治体のAI活用をどの役所が中心に進めているのか、それと法律上、町にどんな"
                        "責務があるのかを調べてこい」と言われました。基本計画骨子とAI法ではそれぞれどうなっていますか。")
    ids = [c.id for c in ans.citations]
    assert "plan:3.1.1.3" in ids and "ai_act:5.1" in ids and "総務省" in ans.answer


def test_a_confirmation_about_a_lead_is_checked_against_the_measure(assistant):
    ans = assistant.ask("小学生の子どもがいます。学校でAIの使い方を教えてもらえるようになるのかな…。国の計画だと子どもたちの"
                        "AIリテラシーは文科省が中心になって進めるんですよね？")
    assert [c.id for c in ans.citations] == ["plan:3.4.3.6"] and "主担当(◎)は内閣府(AI室)" in ans.answer


def test_a_public_comment_brief_is_answered_not_declined(assistant):
    ans = assistant.ask("事業者向けのAIガイドラインについて「法的な根拠が不明確だ」との意見が寄せられた。回答案作成のため、AI法上の"
                        "指針の根拠規定がどのような趣旨の指針の整備を求めているか、また骨子において当該指針等の整備・周知徹底を主導する"
                        "部局はどこかを確認したい。")
    assert not ans.abstained and "plan:3.3.1.2" in [c.id for c in ans.citations] and "内閣府(AI室)" in ans.answer


def test_a_casual_confirmation_of_a_ministry_is_a_check(assistant):
    ans = assistant.ask("中小企業へのAI導入の施策って経産省の担当なん？")
    assert [c.id for c in ans.citations] == ["plan:3.1.2.2"]
    assert "経済産業省(経産省)もこの施策の担当に含まれています" in ans.answer


def test_a_paragraph_applying_earlier_ones_brings_them_for_a_procedure_question(assistant):
    ans = assistant.ask("基本計画を当面毎年変えるとして、変更の際にはAI法上どんな手続が必要ですか。")
    ids = [c.id for c in ans.citations]
    assert ids[-3:] == ["ai_act:18.3", "ai_act:18.4", "ai_act:18.5"]  # 「前二項の規定は、…変更について準用する。」
    assert "閣議の決定" in ans.answer and "遅滞なく" in ans.answer


def test_a_short_second_ask_naming_its_own_measure_is_answered_alone(assistant):
    ans = assistant.ask("役所もAIちゃんと使えって法律に書いてある？ガバメントAIってどこがやるの")
    assert [c.id for c in ans.citations] == ["ai_act:4.2", "plan:3.1.1.1"] and "デジタル庁" in ans.answer
