"""Grounded answers: routes, citations, abstention, follow-ups and bad input."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from planqa.corpus import id_matches
from planqa.errors import InvalidQuestionError
from planqa.normalize import without_added_terms
from planqa.scope import asked

LABEL = re.compile(r"\[[^\]]+\]$")


def assert_grounded(answer):
    """Every line ends with a label that belongs to a cited place (a cited document's status note aside)."""
    from planqa.answer import status_note
    from planqa.corpus import load_corpus

    corpus = load_corpus()
    labels = {c.label for c in answer.citations}
    notes = {status_note(corpus.document(corpus[c.id].doc)) for c in answer.citations if c.id in corpus}
    notes |= {corpus.gap_note(c.id) for c in answer.citations if c.id in corpus}  # what the stored text lacks
    for line in answer.answer.splitlines():
        if line in notes:
            continue
        found = LABEL.search(line)
        assert found, f"uncited line: {line}"
        assert found.group(0)[1:-1] in labels, line


@pytest.mark.parametrize("question", ["AI法に罰則はある？", "AI法を守らなかったら罰則ってつくの？", "違反したら罰金を取られますか？"])
def test_penalty_questions_are_answered_no_with_grounds(assistant, question):
    ans = assistant.ask(question)
    assert ans.route == "penalty" and not ans.abstained
    assert ans.answer.startswith("AI法には罰則の規定はありません。")
    # what the Act does instead (the manifest's see_also): the state investigates and advises (第16条), sets
    # guidelines (第13条), and businesses must cooperate (第7条)
    assert [c.id for c in ans.citations] == ["ai_act:title", "ai_act:16.1", "ai_act:13.1", "ai_act:7.1"]
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


@pytest.mark.parametrize("question", [
    "ガバメントAIの整備はどの府省が担当していますか。主担当(◎)と、ほかに入っている府省も教えてください。",
    "ガバメントAIの整備の担当府省を知りたい。◎はどこで、ほかにどこが関わっているの？",
])
def test_a_later_ministry_ask_with_no_measure_of_its_own_leans_on_the_first(assistant, question):
    """The first ask's answer names the lead and the others; a second ask about them adds no other measure."""
    ans = assistant.ask(question)
    assert [c.id for c in ans.citations] == ["plan:3.1.1.1"] and "主担当(◎)は" in ans.answer


def test_a_later_ministry_ask_naming_nothing_asks_about_the_measure_the_first_was_answered_from(assistant):
    """「どこの役所？」 after a first ask answered from one measure is about that measure, not another one found anew."""
    ans = assistant.ask("スタートアップを始めたいけど国の支援ってある？どこの役所？")
    assert [c.id for c in ans.citations] == ["plan:3.1.3.3"] and "主担当(◎)は" in ans.answer


def test_a_later_ministry_ask_on_an_article_gets_the_measure_that_cites_it(assistant):
    """「二、それを受けた骨子の取組と担当」 leans on the article the first ask was answered from (第13条); the plan's
    measure that names it (「AI法第13条に基づく指針」) is the one asked about."""
    ans = assistant.ask("一、AI法は、適正な研究開発や活用のために国が何をするよう定めているのか。"
                        "二、それを受けた骨子の取組と、その担当府省を示されたい。")
    assert [c.id for c in ans.citations] == ["ai_act:13.1", "plan:3.3.1.2"] and "主担当(◎)は" in ans.answer


@pytest.mark.parametrize("question, place, heading", [
    ("骨子の掲げる基本的な方針のうち、働き方に関係するものはどれで、どういう内容か。", "plan:2.2.4", "AI社会に向けた継続的変革"),
    ("骨子の基本的な方針のうち、国際的なガバナンスを扱っているのはどれ？", "plan:2.2.3", "AIガバナンスの主導"),
])
def test_one_item_of_a_list_is_named_by_its_heading(assistant, question, place, heading):
    """「…のうち…どれ」 asks for one item of a list: that item by its heading, not the whole list's outline."""
    ans = assistant.ask(question)
    assert [c.id for c in ans.citations] == [place] and ans.answer.startswith(f"該当するのは「{heading}")


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
    assert lines[0].endswith("件です。") and lines[-1].startswith("※ 骨子: 骨子(案)")  # measures are the outline's
    for line in lines[1:-1]:
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


def test_a_quoted_place_brings_its_next_sentence(assistant):
    """Both bullets of 基本的な方針2 close to the top: the second joins the first, under the same citation
    (``AnswerConfig.place_window``)."""
    answer = assistant.ask("AIエコシステムの各層の開発について骨子はどう書いている？")
    lines = [line for line in answer.lines if [p for p, _ in line.places] == ["plan:2.2.2"]]
    assert len(lines) == 2 and "イノベーションの好循環" in answer.answer, answer.answer
    assert_grounded(answer)


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
    "今週末の大阪の天気を教えて",
    "EUのAI法の罰金の上限は？",
    "ChatGPTの使い方を教えて",
    "個人情報保護法の違反者にはどんな刑罰が科されるの？",
    "人工知能戦略本部は毎年どれくらいの頻度で会合を開いているの？",
    "今の人工知能戦略担当大臣は誰？",
    "生成AIで作った画像の著作権は誰のもの？",  # rights and liability are not in the documents
    "ディープフェイク動画を作ったら何罪？",
    "人工知能基本計画って、いつ閣議決定されたの？",  # a past date the documents do not give
    "広島AIプロセスの国際行動規範は何項目？",
    "画像生成AIに指示して描かせた絵は、指示を出した本人が著作権を持てるの？",
    "現職の人工知能戦略担当大臣の氏名は？",
    "広島AIプロセスフレンズグループの参加国数は？",
    "AISIのトップって誰？",  # the documents name the headquarters' head only
    "政府の業務で使うAIって、どこの会社の製品？",  # nor companies or products
    "あさって横浜って晴れそう？☀",
    "現職のAI担当大臣の名前、フルネームで教えてほしい",
    "人工知能基本計画に盛り込まれる施策について、令和八年度予算の概算要求額は府省庁別にいくらか。",  # no amounts
    "正直なところ、AI法ってよくできた法律だと評価してる？",  # no opinions
    "全府省庁でガバメントAIが使えるのは何年何月からの予定？",  # no dates from the ministry table
    "骨子で、こども家庭庁が中心となって進めるAIの取組って何がある？",  # a body the documents never name
    "ガバメントAIに入る生成AIのモデルは、どこの企業のものが選ばれた？",  # a company, asked on the ministry route
    "人工知能基本計画 予算1兆円 配分",  # an amount, named rather than asked
    "データセンターの整備って、国からどのくらいのお金が出るの？",  # an amount asked without いくら
    "人材育成の予算はどれぐらい付く見込みですか",
    "AIに描かせた絵にも著作権が発生するのかどうか、過去の判例ではどう判断されてきましたか。",
    "デジタル社会形成基本法の第2章にある基本理念について、一条ずつ内容を説明してほしい。",  # another law's text
    "現在の個人情報保護法で、個人情報データベース等を不正に提供した罪にはどれほどの刑が定められているか。骨子が同法の改正に触れていることを踏まえて伺う。",
    "次期スパコン「富岳NEXT」の目標性能はどれか。 A. 約10ペタフロップス　B. 約1エクサフロップス　C. 約50エクサフロップス　D. ゼタフロップス規模",
    "広島AIプロセスが始まったのは、何年に開かれたG7サミットか。次から一つ選べ。 A 2021年　B 2022年　C 2023年　D 2024年",
    "経産省のAI担当の課長って誰？名前を知りたい",  # named officials, on the ministry route too
    "正しければ○、誤りなら×：AI基本計画の閣議決定は令和7年12月に行われた。",  # a date the documents never give
    "人工知能戦略専門調査会について伺う。一　委員は何名で構成されるのか　二　委員の任期は何年か　三　委員をどのような基準で選ぶのか",
    "AIを入れるための補助金、申請の窓口と手続きの流れを知りたい",
    "富岳NEXTのスペックってどのくらい？",  # specifications the documents do not give
    "10年後にAIでなくなる仕事は何？",  # predictions
    "第三章と第四章を施行する日を決めた政令は、施行日を何年の何月何日としたのか。",  # no day given
    "Q. AISI（AIセーフティ・インスティテュート）のトップである所長の氏名は？",  # a head's name, not asked 誰
    "AISIのセンター長である人の氏名を知りたい",
    "AI戦略本部で本部員を務めている人たちの氏名と所属を一覧にして",  # the documents name no person, members included
    "専門調査会で意見を述べる有識者の氏名と所属を一覧で知りたい",
    "自治体のAI導入って、熊本市と仙台市だとどっちが進んでる？",  # places the documents never name
    "地方自治体でのAI活用は、長野県と静岡県のどちらが進んでいますか。",
    "AI人材の育成では、日本はベトナムやタイに比べてどのくらい進んでいるの？",  # another country, in what is asked
    "国際的なAIルール作りで、日本はイタリアやスペインと比べてどんな位置づけ？",
    "EUでAIサービスを売る日本企業を、政府はどう支援しているの？",  # the EU, which the tokenizer does not tag a place
    "孫正義さんはAIデータセンターについてどんなことを話しているの？",  # a person the documents never name, the topic
    "AI法の第16条で、政府が動画生成サービスの会社に助言したことってもうあるの？",  # whether it has happened: no record
    "AIデータセンターって、どこの県につくるの？",  # a site: the documents name no town or building
])
def test_out_of_scope_questions_are_declined(assistant, question):
    ans = assistant.ask(question)
    assert ans.abstained and (ans.citations == () or "\n関連する記述は次のとおりです。\n" in ans.answer)
    assert ans.answer.startswith("ご質問の内容は、AI基本計画(骨子)とAI法の中には書かれていないため、お答えできません。")


def test_a_number_the_documents_do_not_give_is_declined_with_the_measure_quoted_as_related(assistant):
    """The measure is in the plan, the figure asked for is not: a decline that quotes the measure it found, so the
    reader sees what the documents do say; a question no place is near keeps the bare decline."""
    ans = assistant.ask("AISIの体制強化って、職員は何人まで増やす予定なの？")
    assert ans.abstained and [c.id for c in ans.citations] == ["plan:3.3.1.4"]
    assert "関連する記述は次のとおりです。\nAIモデルの安全性にとどまらない" in ans.answer
    assert "※ 骨子: 骨子(案)です。" in ans.answer  # the quoted document's standing, as in any answer
    both = assistant.ask("AISIの職員は何人まで増やすのか。また、ガバメントAIの推進に来年度いくら計上するのか。")
    assert both.abstained and {"plan:3.3.1.4", "plan:3.1.1.1"} <= {c.id for c in both.citations}
    assert both.answer.count("ご質問の内容は") == 1
    bare = assistant.ask("経産省のAI担当の課長って誰？名前を知りたい")
    assert bare.abstained and bare.citations == () and "関連する記述" not in bare.answer


@pytest.mark.parametrize("question", [
    "洪水の被害予測にAIを使う取組は、どの府省が担当しますか。",
    "農作物の収穫予測にAIを活用する施策の担当省庁を知りたい。",
])
def test_a_forecast_ai_is_used_for_is_no_prediction_asked_of_the_documents(assistant, question):
    """「被害予測」「収穫予測」 name what AI does in a field the plan lists (防災, 農林水産業), not a prediction asked for
    (「10年後にAIでなくなる仕事は何？」 is still declined, above)."""
    ans = assistant.ask(question)
    assert not ans.abstained and "plan:3.1.2.1" in [c.id for c in ans.citations]


def test_follow_up_refers_to_the_previous_measure(assistant):
    first = assistant.ask("AIデータセンターや電力・通信インフラの整備について教えて")
    assert first.citations[0].id == "plan:3.2.4.1"
    follow = assistant.ask("それの担当は？", history=[first])
    assert follow.route == "ministry" and [c.id for c in follow.citations] == ["plan:3.2.4.1"]
    assert "主担当(◎)は総務省です。" in follow.answer
    for wording in ("この施策の担当は？", "これって誰がやるの？", "さっきのやつ、担当はどこ？"):
        assert [c.id for c in assistant.ask(wording, history=[first]).citations] == ["plan:3.2.4.1"], wording
    alone = assistant.ask("それの担当は？")  # nothing before it to point at: asks what is meant, names no measure
    assert alone.abstained and not alone.citations and "どの施策についてのご質問か" in alone.answer


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


@pytest.mark.parametrize("question, subject", [
    ("AI法はディープフェイクを禁止していますか？", ["plan:3.3.1.5"]),  # the plan's measure on telling AI content apart
    ("AIを使うのにAI法で届出はいる？", []),  # the law's structure is the whole answer
])
def test_act_licenses_and_prohibits_nothing(assistant, question, subject):
    ans = assistant.ask(question)
    assert ans.route == "regulation" and [c.id for c in ans.citations] == ["ai_act:title", "ai_act:7.1", *subject]
    assert "協力しなければならない" in ans.answer
    assert_grounded(ans)


def test_a_prohibition_ask_about_a_subject_also_gets_the_place_on_that_subject(assistant):
    """Whether the Act can stop voice-clone fraud: its structure (nothing prohibited), then the plan's measure on
    fraud misusing AI, which retrieval ranks first for the ask."""
    ans = assistant.ask("おじいちゃんのところに孫の声をAIでまねた振り込め詐欺の電話が来ました。AI法でこういうのは取り締まれるんですか？")
    assert ans.route == "regulation" and [c.id for c in ans.citations] == ["ai_act:title", "ai_act:7.1", "plan:3.3.1.3"]
    assert "詐欺" in ans.answer.splitlines()[-2]
    assert_grounded(ans)


def test_foreign_regulation_is_not_answered_from_the_act(assistant):
    assert assistant.ask("EUのAI法は何を禁止している？").abstained


def test_a_comparison_with_another_countrys_rules_named_before_is_declined_beside_the_answered_ask(assistant):
    ans = assistant.ask("ドイツのAIの規制はかなり厳しいらしい。日本のAI法の目的は何？それと比べるとどこが違うの？")
    assert [c.id for c in ans.citations] == ["ai_act:1.1"] and "文書に記載がありません" in ans.answer


def test_a_past_case_stated_in_the_background_keeps_the_ask_answered(assistant):
    ans = assistant.ask("AIで作った偽の音声で詐欺にあった事例があったが、AI法で国はどう対応するのか。")  # stated, not asked
    assert not ans.abstained and ans.citations


def test_a_person_named_in_passing_keeps_the_ask_answered(assistant):
    ans = assistant.ask("石破総理も言うとおり、AI法は国際協力をどう定めているのか。")  # the person is no topic
    assert not ans.abstained and ans.citations[0].id == "ai_act:17.1"


def test_a_place_the_documents_name_keeps_a_question_in_scope(assistant):
    ans = assistant.ask("広島AIプロセスって何？")  # 広島 is a place name the plan uses
    assert not ans.abstained and ans.citations[0].id.startswith("plan:3.3")


def test_ministry_list_narrows_to_the_named_subject(assistant):
    ans = assistant.ask("経産省が担当する中小企業の施策は？")
    assert [c.id for c in ans.citations] == ["plan:3.1.2.2"]


def test_a_ministry_list_over_enumerated_subjects_lists_each_subjects_measures(assistant):
    ans = assistant.ask("データマネジメント人材の育成や、働く人のリスキリングの取組について、厚労省と経産省の受け持ちを知りたいです。")
    cited = {c.id for c in ans.citations}
    assert cited and cited <= {"plan:3.4.3.1", "plan:3.4.3.3", "plan:3.4.3.4"}  # not every measure of both


def test_an_enumerated_item_of_function_words_names_no_subject(assistant):
    ans = assistant.ask("骨子の第3章第4節において、厚生労働省が主担当の取組と、それ以外で名を連ねている取組を分けて教えてください。")
    assert "plan:3.4.4.3" in [c.id for c in ans.citations]  # 「において」 alone matches no measure


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
    ("ガバメントAIを進めていく取組は、どの省庁が主に受け持ってるの？", "plan:3.1.1.1"),
    ("AI時代に向けた教育推進の取組、主担当の省はどこ？", "plan:3.4.4.2"),  # 教育 is also a sector of 3.1.2.1
    ("マルチモーダルなAIモデルにしていく施策は、どの府省庁の担当？", "plan:3.2.1.4"),
    ("金融でのAIエージェント導入の担当は？", "plan:3.1.2.1"),
    ("市民や学校の教育に向けたAIの取組を担う府省はどこ？", "plan:3.4.3.6"),  # 教育 a sector, the rest this measure's
])
def test_ministry_questions_find_the_measure_named(assistant, question, measure):
    ans = assistant.ask(question)
    assert ans.route == "ministry" and [c.id for c in ans.citations] == [measure]


@pytest.mark.parametrize("question, place", [
    ("計画がちゃんと進んでいるかのフォローアップはどこがやるの？", "plan:4.1"),  # a chapter, not a measure
    ("基本計画を実行に移す体制はどういう会議体でできているのか。その進捗管理はどこが担うのか。", "plan:4.1"),  # a measure
    # fifth in the topic's ranking, far below the chapter, is no measure asked about
    ("本部って誰に協力を求められるの？あと、本部の事務はどこがやることになってる？", "ai_act:26.1"),  # an article
])
def test_a_where_ask_about_no_measure_is_not_given_a_measures_ministries(assistant, question, place):
    ans = assistant.ask(question)
    ids = [c.id for c in ans.citations]
    assert place in ids and not [i for i in ids if i.startswith("plan:3.")], ids


def test_liability_words_about_the_act_still_get_the_penalty_answer(assistant):
    ans = assistant.ask("AI法に違反したら逮捕される？")
    assert ans.route == "penalty" and "罰則の規定はありません" in ans.answer


def test_a_penalty_ask_is_about_the_law_its_sentence_names(assistant):
    """The Act has no penalties; a fine under another law named before the ask is not the Act's to state."""
    other = assistant.ask("計画には個人情報保護法の見直しも入っているそうですが、改正されたら、違反した事業者への罰則は重くなるのですか。")
    assert "罰則の規定はありません" not in other.answer and "ai_act:title" not in [c.id for c in other.citations]
    act = assistant.ask("AI法は推進法だと聞きましたが、違反したら罰則はありますか？")
    assert act.route == "penalty" and act.answer.startswith("AI法には罰則の規定はありません。")


def test_a_place_named_in_the_background_does_not_keep_another_laws_penalty_in_scope(assistant):
    """「AI法の第16条に…けど、」 is background: the ask is a prison term under another law, which no place states;
    the same background before an ask about the Act's own measure is answered from that article."""
    other = assistant.ask("AI法の第16条に権利利益の侵害って書いてあるけど、個人情報保護法に違反したら懲役は何年なの？")
    assert other.abstained and other.citations == ()
    own = assistant.ask("AI法の第16条に権利利益の侵害って書いてあるけど、国は侵害の事案をどう扱うの？")
    assert not own.abstained and own.citations[0].id == "ai_act:16.1"


def test_an_overview_question_gets_the_outline_of_its_group(assistant):
    """The bank's overview questions of a group (第3章第1節(1), no text of its own) place a list ask there: its
    outline lists every measure, not the one that scores best."""
    ans = assistant.ask("政府や自治体でAIを使う施策には何があるの？")
    assert [c.id for c in ans.citations][:4] == ["plan:3.1.1", "plan:3.1.1.1", "plan:3.1.1.2", "plan:3.1.1.3"]
    assert "ガバメントAI" in ans.answer and "地方自治体" in ans.answer


def test_an_outline_without_the_amount_asked_is_no_answer(assistant):
    """The outline names measures, not what each costs: an amount asked for is still declined."""
    ans = assistant.ask("政府や自治体でAIを使う施策にはいくらの予算がつくの？")
    assert ans.abstained


def test_a_later_ask_without_its_subject_is_read_with_the_first(assistant):
    ans = assistant.ask("AI法ってもう効力があるの？ すべての規定がいっせいに動き出したわけじゃないってほんとう？")
    assert [c.id for c in ans.citations] == ["ai_act:suppl.1.1"] and "記載がありません" not in ans.answer


def test_a_detail_ask_answered_by_the_first_quote_adds_no_runner_up(assistant):
    """The second ask details the first (what is weighed in the review), which 附則第2条 already answers: the
    施行 article ranked next is not quoted for it; another paragraph of the quoted article still is."""
    ans = assistant.ask("AI法に、施行後に法律自体を再検討する条項はありますか。あるとすれば、何を勘案して検討することになっていますか。")
    assert [c.id for c in ans.citations] == ["ai_act:suppl.2.1"]
    ans = assistant.ask("本部が協力を求められる相手は法律でどう決まっているのですか。列挙された機関以外に頼むことはできますか。")
    assert [c.id for c in ans.citations] == ["ai_act:25.1", "ai_act:25.2"]


def test_an_amount_asked_after_an_answered_ask_is_said_to_be_absent(assistant):
    """「その金額も」 leans on the ask before it, which is answered; the amount is not in the documents, and the
    answer says so instead of dropping that part."""
    ans = assistant.ask("AIデータセンターの整備について、骨子はどのような施策を掲げているのか。その金額もお示しいただきたい。")
    assert not ans.abstained and ans.citations[0].id == "plan:3.2.4.1"
    assert "「その金額もお示しいただきたい。」については、文書に記載がありません" in ans.answer


def test_each_ask_of_a_diet_question_is_answered(assistant):
    ans = assistant.ask(
        "地方公共団体におけるAIの活用には差があるとの指摘がある。同法は地方公共団体の責務をいかに規定しているのか。"
        "また、骨子(案)において地方自治体のAI利活用の促進を主として担う府省はいずれか。政府の見解を問う。")
    ids = [c.id for c in ans.citations]
    assert "ai_act:5.1" in ids and "plan:3.1.1.3" in ids
    assert "区域の特性" in ans.answer and "総務省" in ans.answer


def test_a_message_of_many_asks_is_briefed_in_about_eight_quoted_lines(assistant):
    """Each ask answered on its own gave nine quoted lines in all; the joined answer keeps each ask's first place,
    then the next ones while they fit, a provision's items with it, and cites only the places it still quotes."""
    ans = assistant.ask("政府に伺う。一、人工知能戦略本部はどのような構成か。二、人工知能基本計画はどのような手続で定められる"
                        "のか。三、国民にはどのような責務があるのか。四、国民のAIリテラシーの向上にどう取り組むのか。")
    quoted = [line for line in ans.lines if line.places]
    assert len(quoted) <= 8
    ids = [c.id for c in ans.citations]
    assert {"plan:4.1", "ai_act:8.1", "plan:3.4.3.6"} <= set(ids)
    assert {"ai_act:18.2.1", "ai_act:18.2.2", "ai_act:18.2.3"} <= set(ids)  # the list whole
    assert set(ids) == {place for line in quoted for place, _ in line.places}


def test_a_declined_ask_and_the_ask_extending_it_are_named_once(assistant):
    """「…何月何日に…のでしょうか。年内なのか、年度内なのか。」 reads as an ask and an ask extending it, both declined:
    the line naming what the documents do not cover is written once, beside the answered ask."""
    ans = assistant.ask("人工知能基本計画本体の閣議決定は、いったい何月何日に行われる予定になっているのでしょうか。年内なのか、"
                        "年度内なのか。あわせて、AI法第16条の調査研究とは何か伺いたい。")
    assert not ans.abstained and "ai_act:16.1" in [c.id for c in ans.citations]
    notes = [line.text for line in ans.lines if line.text.startswith("ご質問のうち")]
    assert len(notes) == len(set(notes)) == 1


def test_a_message_past_the_asks_answered_is_briefed_too(assistant):
    """A message of more asks than are answered (``max_asks``) is cut there, and what is answered keeps to the
    briefing's lines as a shorter message does."""
    from dataclasses import replace

    before = assistant.config
    assistant.config = replace(before, max_asks=4)
    try:
        ans = assistant.ask("政府に伺う。一、人工知能戦略本部はどのような構成か。二、人工知能基本計画はどのような手続で定め"
                            "られるのか。三、国民にはどのような責務があるのか。四、国民のAIリテラシーの向上にどう取り組むのか。"
                            "五、AI人材をどう育てるのか。")
    finally:
        assistant.config = before
    assert "最初の4件にお答えしました" in ans.answer
    assert len([line for line in ans.lines if line.places]) <= before.briefing_lines


def test_ministry_named_with_a_measure_is_checked_against_it(assistant):
    ans = assistant.ask("スタートアップ支援に総務省は入ってる？")
    assert ans.citations[0].id == "plan:3.1.3.3"
    assert "総務省はこの施策の担当に含まれていません。" in ans.answer
    ans = assistant.ask("AI関連産業の立地促進の件、新資本事務局も絡んでる？")
    assert "内閣府(新資本事務局)もこの施策の担当に含まれています。" in ans.answer


@pytest.mark.parametrize("question, measure, absent", [
    ("AIデータセンターと電力インフラの整備は、外務省と環境省のどちらが担当していますか？", "plan:3.2.4.1", ["外務省", "環境省"]),
    ("AIセーフティ・インスティテュートの体制強化に、防衛省はどう関わっていますか", "plan:3.3.1.4", ["防衛省"]),
])
def test_a_subject_the_named_ministries_take_no_part_in_gets_its_own_measure(assistant, question, measure, absent):
    """Ministries named beside a subject whose measure they are not in: that measure and who carries it, not every
    measure of each named ministry."""
    ans = assistant.ask(question)
    assert [c.id for c in ans.citations] == [measure]
    assert all(f"{name}はこの施策の担当に含まれていません" in ans.answer for name in absent)


def test_no_lead_measure_lists_what_the_ministry_takes_part_in(assistant):
    ans = assistant.ask("防衛省が◎になってる取組ってある？")
    assert "防衛省が主担当(◎)の施策は骨子にありません。" in ans.answer
    assert [c.id for c in ans.citations] == ["plan:3.1.2.3", "plan:3.3.2.4"]


@pytest.mark.parametrize("question, expected", [
    ("主担当が内閣府の知財事務局になっている施策はどれですか", ["plan:3.4.2.3"]),  # one unit, not all of 内閣府
    ("警察庁の名前が担当欄にある取組はいくつ？主担当かどうかも教えて", ["plan:3.3.1.3", "plan:3.1.2.4"]),
])
def test_ministry_lists_read_the_question_closely(assistant, question, expected):
    assert [c.id for c in assistant.ask(question).citations] == expected


def test_a_unit_named_with_except_is_left_out(assistant):
    ans = assistant.ask("担当欄に出てくる内閣府の部署のうち、内閣府(AI室)以外のものを全部教えて。")
    assert "内閣府(AI室)が" not in ans.answer and "内閣府(知財事務局)" in ans.answer


@pytest.mark.parametrize("question, place, word", [
    ("骨子でハルシネーションについて触れている箇所はある？", "plan:1.4", "ハルシネーション"),
    ("AIトランスフォーメーションって言葉、骨子ではどういう意味で使われてる？", "plan:3.4.1.1", "AIトランスフォーメーション"),
])
def test_a_rare_word_of_the_question_leads_to_its_sentence(assistant, question, place, word):
    ans = assistant.ask(question)  # term weights come from how few chunks hold the word
    assert ans.citations[0].id == place and word in ans.answer.splitlines()[0]


@pytest.mark.parametrize("question, place", [
    ("社内でAIを導入した企業には、AI法上なにか義務が課されるの？", "ai_act:7.1"),  # 義務 → 責務
    ("うちみたいな小さい会社がAIを取り入れるとき、国のサポートってある？", "plan:3.1.2.2"),  # → 中小企業
    ("ディープフェイクかどうか判定する技術を政府はつくってる？", "plan:3.3.1.5"),  # → AI生成コンテンツを判別
    ("戦略本部?の長には誰がなるの", "ai_act:22.1"),  # the headquarters is the Act's, not a plan measure
    ("基本計画は一度決めたら変えないの？", "plan:4.2"),
    ("学校で子どもたちがAIの使い方を習うような取組は計画にある？", "plan:3.4.3.6"),  # → 初等中等教育
    ("AIに仕事を取られたらどうしよう…国はなにか考えてくれてる？", "plan:3.4.2.4"),  # → 代替
])
def test_casual_words_reach_the_documents_terms(assistant, question, place):
    """The place is cited first, or second after the heading that introduces it (第3章第4節 → its (2)④)."""
    cited = [c.id for c in assistant.ask(question).citations]
    assert cited[0] == place or (cited[1] == place and place.startswith(cited[0] + "."))


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


@pytest.mark.parametrize("question", ["医療分野のAIの担当は", "農業分野のAI導入はどこが担当？", "医療分野のAIはどこの庁の所管？"])
def test_a_sector_asked_by_its_field_finds_the_measure_listing_it(assistant, question):
    """「…分野」 is in another measure's text too (準公共分野); the bank's questions place the ask at the sector's."""
    ans = assistant.ask(question)
    assert ans.route == "ministry" and [c.id for c in ans.citations] == ["plan:3.1.2.1"], question


@pytest.mark.parametrize("question, phrase", [
    ("AI法だと、Copilotみたいなツールを社内で使うのに国の許可とかいるの？", "許可・登録・届出"),
    ("AI法って、Midjourneyで画像作って売ったら罰則あるの？", "罰則の規定はありません"),
])
def test_a_product_named_beside_the_act_leaves_the_ask_about_the_act(assistant, question, phrase):
    """A product's name the documents never use does not make an ask naming the Act about some other rule."""
    ans = assistant.ask(question)
    assert not ans.abstained and ans.citations[0].id == "ai_act:title" and phrase in ans.answer, question


def test_a_foreign_rule_by_its_initials_is_still_declined(assistant):
    assert assistant.ask("DMAに違反したら罰金ある？").abstained


def test_an_article_of_a_law_not_held_is_not_read_as_the_acts(assistant):
    """「民法709条」 names 民法's article (a one-kanji law name): not AI法 第709条, and 民法 is not in the default index."""
    ans = assistant.ask("民法709条ってどういう条文？")
    assert ans.abstained and "AI法は第1条から" not in ans.answer
    ans = assistant.ask("民法709条の不法行為で対応できるとの立場だろうが、AIが起こした損害の責任ルールを整備すべきではないか。政府はどう考えているのか。")
    assert "AI法は第1条から" not in ans.answer  # (declined like any other law's article named: README, tried)


def test_sectors_named_by_their_first_word(assistant):
    ans = assistant.ask("介護や医療の現場でAIを活用する件は、どこの省が受け持ち？")
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
    ans = assistant.ask("厚生労働省が主担当(◎)となっている骨子の施策を挙げてください。")
    assert [c.id for c in ans.citations] == ["plan:3.4.4.3"]


@pytest.mark.parametrize("question, place", [
    ("SNSに流れてくるAI製の偽動画やデマ、ほんと困る😤 国は手を打ってるの？", "plan:3.3.1.5"),  # SNS is an everyday word
    ("AI法っていつ施工されたの？", "ai_act:suppl.1.1"),  # a common typo of 施行
    ("人工知能戦略本部はその所掌事務のため関係行政機関等に協力を求めることができるが、求め得る協力の内容は何か。"
     "また、これらの者以外の者に対しては如何なる対応が可能か。", "ai_act:25.2"),
])
def test_everyday_phrasing_is_answered(assistant, question, place):
    ans = assistant.ask(question)
    assert not ans.abstained and place in [c.id for c in ans.citations]


def test_a_follow_up_ask_answered_by_the_first_gets_no_missing_note(assistant):
    ans = assistant.ask("骨子に半導体のことは載ってる？国内でAI用チップやスパコンを開発するの？")
    assert "plan:3.2.4.2" in [c.id for c in ans.citations] and "文書に記載がありません" not in ans.answer


@pytest.mark.parametrize("question, place", [
    ("AI法の基本理念って何個あるの？", "ai_act:3.5"),  # the whole article, every principle listed
    ("地方でAIを使った新しい産業ってどうやって作るの", "plan:3.4.1.2"),  # 地方 → 地域
    ("基本計画は国会で議決されるの？", "ai_act:18.3"),  # the documents know 閣議の決定, not the Diet
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
    ("AI新法って、いつから効き目があるん？もうスタートしとる？", "ai_act:suppl.1.1"),
    ("AIがもっともらしいウソを言うハルシネーション、国の計画ではリスクとして挙がってる？", "plan:1.4"),
    ("AISIって何の名前だったっけｗ 骨子ではそこをどうするって話になってた？", "plan:3.3.1.4"),  # chat laughter is no word
])
def test_chat_speech_is_not_mistaken_for_out_of_scope(assistant, question, place):
    ans = assistant.ask(question)
    assert not ans.abstained and ans.citations[0].id == place


def test_a_ministry_list_narrowed_to_the_section_named(assistant):
    ans = assistant.ask("第3章第4節に限って、経済産業省が主担当(◎)の施策をすべて教えて。")
    assert [c.id for c in ans.citations] == ["plan:3.4.1.1", "plan:3.4.2.2", "plan:3.4.3.5"]


def test_the_plans_own_title_and_headings_name_no_subject_of_a_ministry_list(assistant):
    ans = assistant.ask("骨子(案)の第3章第4節の具体的な取組例で、厚労省が◎のものを教えてください。")  # 案, 具体: no subject
    assert ans.route == "ministry_list" and [c.id for c in ans.citations] == ["plan:3.4.4.3"]


def test_a_ministry_list_over_several_named_sections_lists_only_theirs(assistant):
    ans = assistant.ask("総務省の職員です。骨子の第3章の第2節と第3節で、当省が◎になっている施策は？")
    assert [c.id for c in ans.citations] == ["plan:3.2.4.1", "plan:3.3.1.5", "plan:3.3.2.1"]  # not 第1節's


def test_a_ministry_list_over_a_range_of_sections_lists_each_of_them(assistant):
    ans = assistant.ask("総務省で働いています。骨子の第3章第2節〜第4節の範囲で、総務省が主担当の施策を全部知りたいです。")
    assert [c.id for c in ans.citations] == ["plan:3.2.4.1", "plan:3.3.1.5", "plan:3.3.2.1"]  # 第3節 inside the range


def test_a_later_ministry_list_ask_keeps_the_sections_the_first_named(assistant):
    ans = assistant.ask("文科省の者です。骨子第3章第2節の取組で、うちの省が関わっているものを全部挙げてください。"
                        "また、文科省が◎になっているものはどれでしょうか。")
    assert ans.citations and all(c.id.startswith("plan:3.2.") for c in ans.citations)  # not 第3章第4節's ◎


def test_a_later_ask_naming_no_ministry_asks_about_the_one_the_first_listed(assistant):
    """「…あわせて、◎ではないが関係府省として入っているものは」: the ministry is left unsaid in the later ask (query stage),
    which alone reads as who runs some measure."""
    message = "骨子で総務省が◎の施策はどれですか。あわせて、◎ではないが関係府省として入っているものは何ですか。"
    assert [a.route.ministries for a in assistant.read(message).asks] == [("総務省",), ("総務省",)]
    ans = assistant.ask(message)
    assert "総務省が担当する施策" in ans.answer
    assert len(ans.citations) > len(assistant.ask("骨子で総務省が◎の施策はどれですか。").citations)


def test_a_lead_asked_within_a_section_is_never_a_measure_outside_it(assistant):
    ans = assistant.ask("経産省として確認です。骨子第3章第2節の取組の中で、具体的に当省が◎のものはありますか。")
    assert [c.id for c in ans.citations] == ["plan:3.2.4.3"] and "サプライチェーン" in ans.answer


def test_more_of_the_quoted_place_joins_when_close(assistant):
    """The heading's point is spread over its bullets: the ones scored close to the best join it, with no new
    citation."""
    ans = assistant.ask("骨子のいう「反転攻勢」の好機って、どういう話なの？")
    assert [c.id for c in ans.citations] == ["plan:1.3"] and "キャッチアップ" in ans.answer


def test_a_unit_speaks_of_itself_as_this_office(assistant):
    """「当室」「うちの事務局」 stand for the unit the message names, by its short or its full name."""
    ans = assistant.ask("内閣府AI室の者です。第3章第2節の取組で、当室が◎になっているのはどれですか。")
    assert ans.route == "ministry_list" and len(ans.citations) > 1
    assert all(c.id.startswith("plan:3.2.") for c in ans.citations)
    ans = assistant.ask("知的財産戦略推進事務局で働いています。第3章第4節で、うちの事務局が主担当の施策を教えて。")
    assert [c.id for c in ans.citations] == ["plan:3.4.2.3"]


def test_an_empty_narrowed_ministry_list_does_not_speak_for_the_whole_plan(assistant):
    ans = assistant.ask("第3章第4節のうち、外務省が主担当(◎)の施策は？")
    assert "お尋ねの範囲にありません" in ans.answer and "骨子にありません" not in ans.answer


def test_measures_quoted_by_their_text_each_get_their_lead(assistant):
    ans = assistant.ask("骨子の「AI時代の働き方の検討」と「AI時代における教育の推進」、主担当はそれぞれどこ？")
    assert [c.id for c in ans.citations] == ["plan:3.4.4.3", "plan:3.4.4.2"]
    assert "厚生労働省" in ans.answer and "文部科学省" in ans.answer


def test_a_proviso_follows_the_rule_it_qualifies(assistant):
    ans = assistant.ask("AI法が効力を持ち始めたのはいつから？")
    lines = ans.answer.splitlines()
    assert lines[0].startswith("この法律は、公布の日から施行する。") and lines[1].startswith("ただし、第三章及び第四章")


def test_any_question_about_a_missing_article_says_it_was_not_obtained(assistant):
    ans = assistant.ask("AI法の附則第3条って何の話？よその法律を直してるらしいけど")
    assert ans.abstained and "入手できていない" in ans.answer


@pytest.mark.parametrize("question, place", [
    ("政府は新たな立法措置や予算措置を講ずることが法律上求められているのか。", "ai_act:10.1"),  # 予算措置 is no amount
    ("AI法って作って終わりなん？そのうち見直しとかあるんやろか🤔", "ai_act:suppl.2.1"),  # the Act's review
    ("ちっちゃい工場やってて、AI入れてみたいんやけど国の支援って計画にある？", "plan:3.1.2.2"),
    ("AIで新薬を開発するような話は計画に出てくる？担当はどこ？", "plan:3.2.2.3"),
    ("【用語クイズ】「データセット」とは、AI法の条文上どういう意味でしょう？", "ai_act:12.1"),
    ("骨子に出てくる「はんてんこうせいのこうき」ってどういう意味なん？", "plan:1.3"),  # 反転攻勢の好機 in kana
    ("中学で教えています。生徒や地域の大人たちがAIを正しく使いこなすための国の取組は、骨子ではどこが旗振り役になっていますか", "plan:3.4.3.6"),
    ("小さな工場を経営しています。AI搭載の機械が事故を起こした場合に誰が責任を負うのかの検討は、どこの省が主導しているのでしょうか",
     "plan:3.4.2.2"),
    ("時代遅れになった規制をAIに合わせて見直す取組って、どこの役所が仕切ってるの？", "plan:3.1.4.1"),  # not its 【再掲】
    ("市の職員をしています。自治体が自分たちでAI活用の施策を決めて実施することは、AI法上どう扱われていますか", "ai_act:5.1"),
    ("えっと、基本計画に盛り込むべき中身って、法律ではどう定められてたっけ", "ai_act:18.2"),
    ("身内の声をAIで真似た振り込め詐欺のニュースを見て怖くなりました。国の計画では、"
     "警察がAIについて何に取り組むことになっていますか？", ("plan:3.3.1.3", "plan:3.1.2.4")),  # 「国の計画では」 says
    # where to look, not what to find; the police's measure against AI-enabled fraud (the statement) or their own use
    ("「フィジカルAI」ってよく目にするけど、骨子ではどんなものだと説明されているの？", "plan:1.2"),
    ("教育委員会に勤めています。骨子に登場する「人間力」は、どういう意味合いで、どんな流れの中で使われている言葉ですか。", "plan:2.2.4"),  # the quoted word survives the cut preamble
    ("AI法ができたからAI導入に補助金が出るって聞いたけど、法律のどこかに補助金の規定はあるの？", "ai_act:10.1"),
    ("骨子第2章の「4つの基本的な方針」について、括弧書きの標語も併せて全て列挙せよ。", "plan:2.2"),
])
def test_measures_and_provisions_behind_everyday_words(assistant, question, place):
    assert assistant.ask(question).citations[0].id in ((place,) if isinstance(place, str) else place)


def test_a_quiz_option_named_by_the_heading_of_the_quoted_place(assistant):
    ans = assistant.ask("「AIと協働する」という言い換えが付いているのは、骨子の基本的な方針のうちどれ？"
                        "\n① AIガバナンスの主導\n② AI利活用の加速的推進\n③ AI開発力の戦略的強化\n④ AI社会に向けた継続的変革")
    assert ans.answer.startswith("選択肢のうち、文書の該当箇所に書かれているのは④「AI社会に向けた継続的変革」です。")


def test_a_quiz_stem_quoting_one_heading_weighs_the_options_against_that_place(assistant):
    ans = assistant.ask("「4つの基本的な方針」として正しくないものはどれ？ A AIを使う B AIを創る C AIを輸出する D AIと協働する")
    assert ans.citations[0].id == "plan:2.2" and {c.id for c in ans.citations} >= {f"plan:2.2.{i}" for i in (1, 2, 3, 4)}
    assert len(ans.to_json()["retrieved"]) == 10  # what retrieval found for the stem is still reported
    assert ans.answer.startswith("選択肢のうち、文書の該当箇所に見当たらないのはC「AIを輸出する」です。")


def test_a_quiz_missing_option_is_answered_with_the_group_stating_the_others(assistant):
    """No heading quoted in the stem: the options found say where to look — the parts of one heading group (the 4つの
    基本的な方針) — and that group answers, not the Act's item on a plan's basic policy that the stem's words match."""
    ans = assistant.ask("骨子(案)が掲げる基本的な方針の組合せとして誤っているものを選べ。A AI開発力の戦略的強化"
                        " B AIガバナンスの主導 C AI社会に向けた継続的変革 D 国産AIの全面的な義務化")
    assert ans.answer.startswith("選択肢のうち、文書の該当箇所に見当たらないのはD「国産AIの全面的な義務化」です。")
    assert ans.citations[0].id == "plan:2.2" and "AI利活用の加速的推進" in ans.answer


@pytest.mark.parametrize("question, places", [
    ("じんこうちのうせんりゃくほんぶはどこにおかれるの", ["ai_act:19.1"]),  # not 第24条's 「本部に…を置く」
    ("人工知能戦略本部はどの機関の下に設置されるのか", ["ai_act:19.1"]),  # 第21条 (its members) no longer joins
])
def test_a_clearly_nearest_bank_question_leads_with_its_sentences(assistant, question, places):
    ans = assistant.ask(question)
    assert [c.id for c in ans.citations] == places and "内閣に" in ans.answer


def test_an_age_in_the_question_is_not_an_unknown_word(assistant):
    ans = assistant.ask("80過ぎのばあさんじゃけど、AI法って国民に何か義務があるんかね？")
    assert not ans.abstained and ans.citations[0].id == "ai_act:8.1"


def test_a_rare_word_narrows_a_ministry_list_to_its_measure(assistant):
    ans = assistant.ask("骨子(案)に名前が出てくる、文科省担当の「富岳」の名前がついた開発は何？")
    assert [c.id for c in ans.citations] == ["plan:3.2.4.2"] and "富岳NEXT" in ans.answer


def test_a_heading_named_by_its_short_form_is_quoted_whole(assistant):
    ans = assistant.ask("3原則の中身を教えて")
    assert [c.id for c in ans.citations] == ["plan:2.1"] and "内外一体" in ans.answer and "アジャイル" in ans.answer


def test_asking_for_all_of_it_quotes_the_whole_place(assistant):
    ans = assistant.ask("基本計画を推進する体制について、関わる会議の名称をすべて教えてください")
    assert "人工知能戦略推進会議" in ans.answer and "人工知能戦略専門調査会" in ans.answer


def test_an_enumeration_answers_in_full_and_alone(assistant):
    ans = assistant.ask("人工知能戦略本部はどういう事務をつかさどるの？")
    assert [c.id for c in ans.citations] == ["ai_act:20.1", "ai_act:20.1.1", "ai_act:20.1.2"]


@pytest.mark.parametrize("question, place", [
    ("ニュースで「AI法」が成立したと知りました。職場でもAIツールを使う機会が増え、"
     "私が使うツールも当てはまるのか気になります。この法律でいう「AI」とは、そもそもどんなものを指すのですか？"
     "詳しい方がいたら教えてください。",
     "ai_act:2.1"),
    ("社会科の授業でAIの危険を取り上げるつもりです。国の計画の骨子は、AIのリスクをどんな種類に分けて、"
     "それぞれにどんな具体例を示していますか。", "plan:1.4"),  # 授業 in the background no longer means 教育
    ("基本計画の進捗を点検するのはどこで、どんなやり方なんですか？", "plan:4.1"),
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
    ans = assistant.ask("えっとAI法の施行はいつなのかなあのー条文によって始まる日が違ったりするの")
    assert not ans.abstained and "ai_act:suppl.1.1" in [c.id for c in ans.citations] and "公布の日" in ans.answer


def test_a_wrong_lead_in_the_question_is_corrected_from_the_table(assistant):
    ans = assistant.ask("AIにどのくらい仕事が取って代わられるかを調べるのは、厚生労働省がメインの担当ですよね？")
    assert [c.id for c in ans.citations] == ["plan:3.4.2.4"]
    assert "主担当(◎)は内閣府(AI室)" in ans.answer and "厚生労働省(厚労省)もこの施策の担当に含まれています" in ans.answer


def test_a_claim_to_fact_check_is_looked_up_not_declined(assistant):
    ans = assistant.ask("ファクトチェックをしています。「政府の計画案は、日本のAI投資が経済の大きさに比べて少ないと自ら認めている」"
                        "というSNSの書き込みは正しいでしょうか")
    assert not ans.abstained and [c.id for c in ans.citations] == ["plan:1.1"] and "僅少" in ans.answer


def test_a_chapter_of_the_act_lists_its_articles(assistant):
    ans = assistant.ask("AI法の第2章（基本的施策）に並んでいる条文を一覧で教えて。")
    assert {f"ai_act:{n}" for n in range(11, 18)} <= {c.id for c in ans.citations}


@pytest.mark.parametrize("question, place", [
    ("AI戦略本部の本部長って内閣総理大臣がやるの？", "ai_act:22.1"),  # not 第23条: 総理大臣 is only in its aside
    ("AI法上、人工知能戦略本部を設置することになっている機関はどこですか。", "ai_act:19.1"),  # こと covers nothing
])
def test_a_long_aside_does_not_make_a_sentence_win(assistant, question, place):
    assert place in [c.id for c in assistant.ask(question).citations]


def test_which_article_is_not_a_question_about_the_acts_structure(assistant):
    ans = assistant.ask("AI法の第何条に「データセット」の定義があるか。また、その定義はどのようなものか。")
    assert ans.citations[0].id == "ai_act:12.1" and "情報の集合物" in ans.answer


def test_an_ask_after_mata_is_answered_from_another_place(assistant):
    ans = assistant.ask("人工知能戦略本部に係る事項を所掌する、内閣法上の主任の大臣は誰か。また、本部の事務はどこで処理されるのか。")
    assert [c.id for c in ans.citations][:2] == ["ai_act:27.1", "ai_act:26.1"]


@pytest.mark.parametrize("question, place", [
    ("フィジカルAIとはどんなもの？骨子の説明が知りたい", "plan:1.2"),  # 「フィジカルAI」, not the measures using it
    ("「内外一体」とは骨子では何を指しているの？", "plan:2.1"),
    ("AI法で「データセット」を定義している条文は第何条か、また定義の中身は何か答えよ。", "ai_act:12.1"),
    ("フィジカルAIってなにもの？", "plan:1.2"),  # the definition, though a measure using the term ranks above it
    ("えーあいえーじぇんとって、なに？", "plan:1.2"),  # a pause after って, in hiragana
])
def test_a_definition_quotes_only_the_sentences_that_define_the_term(assistant, question, place):
    assert [c.id for c in assistant.ask(question).citations] == [place]


def test_a_true_false_item_about_a_sub_entry_checks_that_sub_entry(assistant):
    ans = assistant.ask("○×問題：骨子の記述によれば、富岳NEXTの開発は経済産業省が担当している。")
    assert [c.id for c in ans.citations] == ["plan:3.2.4.2"]
    assert "富岳NEXTの開発の担当は文部科学省(文科省)です" in ans.answer
    assert "経済産業省(経産省)は富岳NEXTの開発の担当に含まれていません" in ans.answer


@pytest.mark.parametrize("question", [
    "人工知能戦略本部がつかさどる事務って具体的に何？",  # an item scores as a sentence of its own, and is listed too
    "AI基本計画には何を定めることになってるの？法律上の項目を全部",
])
def test_an_answer_states_each_item_of_a_list_once(assistant, question):
    lines = [line.text for line in assistant.ask(question).lines]
    assert any(text.startswith("一 ") for text in lines) and len(lines) == len(set(lines))


def test_a_choice_item_is_answered_by_the_first_quoted_sentence_naming_one_option(assistant):
    """A long stem quotes 第22条 (本部長: 内閣総理大臣) with 第23条 (副本部長: 内閣官房長官, also an option) and 第19条
    beside it: the first sentence naming an option names one, so that option is the answer, from that sentence alone."""
    ans = assistant.ask("期末テスト対策：人工知能関連技術の研究開発及び活用の推進に関する法律により内閣に置かれた人工知能"
                        "戦略本部。その本部長に充てられる者として適切なものを一つ選べ。1 内閣官房長官 2 デジタル大臣 3 内閣総理大臣 4 外務大臣")
    assert [c.id for c in ans.citations] == ["ai_act:22.1"] and "3「内閣総理大臣」" in ans.answer


def test_a_word_for_any_ministry_is_no_body_the_documents_never_name(assistant):
    """「各省」「同省」 stand for any ministry (the dictionary holds them whole), unlike a body's own name (こども家庭庁)."""
    ans = assistant.ask("正誤問題：AI法によると、本部の運営に必要な細かい事項は各省が省令で決めることになっている。")
    assert not ans.abstained and [c.id for c in ans.citations] == ["ai_act:28.1"] and "政令で定める" in ans.answer


def test_a_yes_no_question_whether_a_ministry_is_responsible_checks_that_measure(assistant):
    """「XはYが担当ですか？」 asks about measure X, not for everything ministry Y does."""
    ans = assistant.ask("AIセーフティ・インスティテュートの強化は外務省が担当ですか？")
    assert [c.id for c in ans.citations] == ["plan:3.3.1.4"] and "外務省はこの施策の担当に含まれていません" in ans.answer


def test_a_choice_whose_stem_says_nothing_checks_each_option(assistant):
    """「正しいのは？」 alone cannot be looked up; options that state something each can."""
    ans = assistant.ask("次のうち骨子の内容として正しいのは？ A 地方自治体におけるAI利活用の促進は文科省が担当 "
                        "B 新薬の開発を高度化する創薬AIは厚労省が担当")
    assert not ans.abstained and {"plan:3.1.1.3", "plan:3.2.2.3"} <= {c.id for c in ans.citations}
    assert "文部科学省(文科省)はこの施策の担当に含まれていません" in ans.answer


def test_no_penalty_stated_in_a_preamble_is_not_a_penalty_question(assistant):
    ans = assistant.ask("AI法第七条は活用事業者の責務を定めているが、事業者団体からは、罰則がないとはいえ事業者に過度の負担を課すもの"
                        "ではないかとの懸念が示されている。一　同法にいう「活用事業者」とはいかなる者をいうのか。")
    assert ans.citations[0].id == "ai_act:7.1" and "事業活動において活用" in ans.answer


def test_a_preambles_subject_stays_with_an_ask_that_refers_back(assistant):
    ans = assistant.ask("AI法の公布は令和七年六月四日であったと理解しているが、その施行日はどう規定されているのか。"
                        "人工知能基本計画と戦略本部に関する規定についても、公布と同日に施行されたのかを問う。")
    assert ans.citations[0].id == "ai_act:suppl.1.1" and "三月を超えない範囲内" in ans.answer


@pytest.mark.parametrize("question", [
    "祖母のところに孫を名乗るAI音声の詐欺電話がかかってきたそうなんですが、そういうのって国は何か手を打ってますか？",
    "AIで家族の声を真似た電話で振り込ませる詐欺が増えているらしいんですが、こういうのって国は対策を考えているんですか？",
])
def test_a_casual_ask_saying_souiu_keeps_what_it_points_back_to(assistant, question):
    ans = assistant.ask(question)
    assert [c.id for c in ans.citations] == ["plan:3.3.1.3"]  # 詐欺 stays with 「そういう／こういうのって…」


def test_asks_quoted_in_a_story_are_kept_by_a_closing_sorezore(assistant):
    ans = assistant.ask("人口一万人程度の町で情報担当を務めています。人手が足りず、"
                        "住民サービスを保つためにAIを使いたいと上司に持ちかけたら、"
                        "「自治体のAI活用を国の計画ではどこの役所が主導しているのか、それから法律で町に課されている責務は何かを確認しろ」"
                        "と指示されました。骨子とAI法では、それぞれどう書かれていますか。")
    ids = [c.id for c in ans.citations]
    assert "plan:3.1.1.3" in ids and "ai_act:5.1" in ids and "総務省" in ans.answer


def test_a_confirmation_about_a_lead_is_checked_against_the_measure(assistant):
    ans = assistant.ask("子どもが小学生です。学校でAIのことを教えてもらえる日が来るのかな…。国の計画では、"
                        "子どもたちのAIリテラシーは文科省が主担当なんですよね？")
    assert [c.id for c in ans.citations] == ["plan:3.4.3.6"] and "主担当(◎)は内閣府(AI室)" in ans.answer


def test_a_public_comment_brief_is_answered_not_declined(assistant):
    ans = assistant.ask("「事業者向けAIガイドラインは法的根拠がはっきりしない」というパブリックコメントがあった。回答を作るにあたり、"
                        "AI法で指針について定めた規定がどういう指針の整備を求めているのか、"
                        "そして骨子で指針の整備や周知を主導するのはどの部局なのかを確かめたい。")
    assert not ans.abstained and "plan:3.3.1.2" in [c.id for c in ans.citations] and "内閣府(AI室)" in ans.answer


def test_a_casual_confirmation_of_a_ministry_is_a_check(assistant):
    ans = assistant.ask("中小企業へのAI導入の施策って経産省の担当なん？")
    assert [c.id for c in ans.citations] == ["plan:3.1.2.2"]
    assert "経済産業省(経産省)もこの施策の担当に含まれています" in ans.answer


def test_a_paragraph_applying_earlier_ones_brings_them_for_a_procedure_question(assistant):
    ans = assistant.ask("基本計画はしばらく毎年見直すそうですが、計画を変えるときにAI法ではどういう手続を踏む必要がありますか。")
    ids = [c.id for c in ans.citations]
    assert ids[-3:] == ["ai_act:18.3", "ai_act:18.4", "ai_act:18.5"]  # 「前二項の規定は、…変更について準用する。」
    assert "閣議の決定" in ans.answer and "遅滞なく" in ans.answer


def test_a_procedure_question_gets_the_next_step_that_takes_up_the_quoted_paragraph(assistant):
    ans = assistant.ask("基本計画の案ができてから世に出るまで、どんな手続を踏むの？")
    ids = [c.id for c in ans.citations]
    assert ids[:2] == ["ai_act:18.3", "ai_act:18.4"]  # 「前項の閣議の決定があったときは、遅滞なく、…公表」 follows
    assert "遅滞なく" in ans.answer


@pytest.mark.parametrize("question, measure", [
    ("第3章第1節(2)③の「防衛力の抜本的強化に向けたAI利活用の推進」は、どこが主担当で、ほかにどこが関与しますか。", "plan:3.1.2.3"),
    ("第3章第1節(1)③の「地方自治体におけるAIの適正な利活用の促進」について、関係府省庁と主担当（◎）を確認させてください。",
     "plan:3.1.1.3"),
])
def test_a_measure_quoted_by_its_text_is_the_only_one_answered(assistant, question, measure):
    """The words around the quote (関与, 確認) name no second measure: only the quoted one is listed."""
    ans = assistant.ask(question)
    assert [c.id for c in ans.citations] == [measure]


def test_a_named_list_asked_item_by_item_gets_the_headings_of_its_items(assistant):
    ans = assistant.ask("4つの方針が掲げられていると新聞に出ていたが、それぞれどういう標語が付いているのか知りたい。")
    assert [c.id for c in ans.citations] == ["plan:2.2", "plan:2.2.1", "plan:2.2.2", "plan:2.2.3", "plan:2.2.4"]
    assert "「AIを創る」" in ans.answer and "「AIと協働する」" in ans.answer


def test_a_count_of_things_names_the_heading_it_abbreviates_without_quotes(assistant):
    ans = assistant.ask("AI基本計画の4つの方針ってなんだっけ？")  # 「4つの基本的な方針」, not the Act's 第18条第2項
    assert ans.citations and all(c.id.startswith("plan:2.2") for c in ans.citations)


def test_a_short_second_ask_naming_its_own_measure_is_answered_alone(assistant):
    ans = assistant.ask("国の役所自身もAIを活用しなさいって法律にある？ガバメントAIの担当はどこ？")
    assert [c.id for c in ans.citations] == ["ai_act:4.2", "plan:3.1.1.1"] and "デジタル庁" in ans.answer


def test_restricted_to_the_act_no_plan_place_or_table_is_used(assistant):
    revision = assistant.ask("計画の見直しはどうなっている？", documents=["ai_act"])
    assert revision.citations and all(c.id.startswith("ai_act:") for c in revision.citations)
    ministry = assistant.ask("ガバメントAIの担当はどこ？", documents=["ai_act"])  # the ◎ table is the plan's
    assert "主担当" not in ministry.answer and not any(c.id.startswith("plan:") for c in ministry.citations)
    everything = assistant.ask("ガバメントAIの担当はどこ？")
    assert everything.route == "ministry"


# ---- scope by bank similarity ------------------------------------------------------------------
def test_unknown_words_do_not_decline_what_the_bank_places_among_answerable_questions(assistant):
    """Words the documents never use (スマホ, お年寄り, deepfake) decline only a question the bank does not
    clearly place among answerable ones (AnswerConfig.familiar_margin)."""
    for question, place in (("スマホが使えないお年寄りはAI社会で取り残されないの？国はどうするつもり？", "plan:3.4"),
                            ("deepfakeを見抜く技術の開発を国は支援してる？", "plan:3.3.1.5")):
        assert assistant.scope.unfamiliar(question)
        answer = assistant.ask(question)
        assert not answer.abstained and place in [c.id for c in answer.citations], question


def test_a_long_story_is_placed_by_the_bank_at_a_looser_bar(assistant):
    """A story before the ask brings words the documents never use (ナレーター, 販売, ショック); for an ask of at least
    ``long_ask`` characters the bank decides at the looser ``long_familiar`` bar, so the story is answered."""
    question = ("ラジオや動画のナレーターを長く続けています。先日、自分の声をAIでそっくりにまねした音声が、知らないうちに"
                "ネットでいくつも売られているのを見つけてショックを受けました。AI法って、こういうのを止めてくれるんでしょうか？")
    read = assistant.read(question).asks[0].normalized
    assert assistant.scope.unfamiliar(read) and len(without_added_terms(read)) >= assistant.config.long_ask
    nearest, margin = assistant._bank_closeness(read)
    assert margin < assistant.config.familiar_margin  # the bar of a short ask would decline it
    answer = assistant.ask(question)
    assert not answer.abstained and "ai_act:3.4" in [c.id for c in answer.citations]


def test_an_asks_sentences_are_scored_with_a_share_of_the_message_it_was_taken_from(assistant):
    """The ask as read is the clause after 「…聞きましたが、」 (homework); the message's clause on the plan's AI-literacy
    teaching takes ``message_share`` of the vector the sentences are scored against, which lifts that measure's
    sentence (the bank's questions now find the measure for the ask alone as well, so it is quoted either way)."""
    question = ("娘が小学生です。国の計画では学校でAIリテラシーを教えるようになると聞きましたが、宿題を全部AIにやらせる"
                "ようになったら困ります。")
    query = assistant.read(question)
    ask, message = query.asks[0].normalized, assistant.reader.normalize(query.stem, focus=False)
    assert "リテラシー" not in ask
    assert "plan:3.4.3.6" in [c.id for c in assistant.ask(question).citations]
    hits = assistant.retriever.rank(ask, 10, message=message)
    config = assistant.config

    def rank(share: float) -> int:
        assistant.config = replace(config, message_share=share)
        try:
            return [unit.id for _, unit, _, _ in assistant._score_sentences(ask, hits, message=message)].index(
                "plan:3.4.3.6")
        finally:
            assistant.config = config
    assert rank(config.message_share) < rank(0.0)


def test_an_ask_mostly_in_words_the_documents_never_use_is_unfamiliar_though_the_message_is_not(assistant):
    """Tax breaks are nowhere in the documents: what is asked (``asked``, without the terms the query stage appends)
    holds five nouns they never use, though over the whole read message they are under half; the bank then decides,
    and a clear near miss is declined."""
    question = ("AI法が成立して、国が事業者の研究開発や活用を推進することになったと聞きました。"
                "AIに投資した企業は減税や税額控除などの税制優遇を受けられるのでしょうか。")
    read = assistant.read(question).asks[0].normalized
    unknown, total, _ = assistant.scope.unknown_terms(read)
    assert len(unknown) * 2 < total  # the older whole-message share alone let it through
    assert assistant.scope.unfamiliar(read)
    assert assistant.ask("AIを使い始めた商店は、骨子に基づいて固定資産税の軽減や税額控除を受けられますか？").abstained
    in_scope = "AIを業務に取り入れた中小企業を、国はどう後押しするの？"
    assert not assistant.scope.unfamiliar(assistant.read(in_scope).asks[0].normalized)
    assert not assistant.ask(in_scope).abstained


def test_a_near_miss_no_word_check_catches_is_declined_by_the_bank_negatives(assistant):
    question = "基本計画の骨子案を書いたのは誰？"  # the documents name no drafter
    assert not assistant.scope.off_topic(question) and not assistant.scope.unfamiliar(question)
    assert assistant._bank_closeness(question)[1] < -assistant.config.negative_margin
    assert assistant.ask(question).abstained


def test_liability_is_answered_from_the_plans_review_while_ownership_of_rights_stays_declined(assistant):
    """責任/賠償 words alone no longer decline (the plan reviews civil liability); the bank decides, as for unknown
    words, so a question about who owns a copyright — which no document answers — is still declined."""
    question = "AIを使ったサービスで事故が起きたとき、開発した会社が責任を負うのか、国は何か検討してる？"
    assert assistant.scope.consequence(question)
    answer = assistant.ask(question)
    assert not answer.abstained and "plan:3.4.2.2" in [c.id for c in answer.citations]
    assert assistant.ask("AIで作った絵の著作権は誰のものになるの？").abstained


def test_a_maker_named_as_a_party_is_no_question_about_a_company(assistant):
    """「責任は施設なのかメーカーなのか」 names the maker as a party to liability, which the plan reviews; asking which
    maker (「どこのメーカーの…」) still declines, as the documents name no company."""
    answer = assistant.ask("介護施設で働いています。見守りAIが誤作動して利用者がけがをしたら、責任は施設なのかメーカーなのか、"
                           "国で何か決まっているんでしょうか？")
    assert not answer.abstained and "plan:3.4.2.2" in [c.id for c in answer.citations], answer.answer
    assert assistant.ask("国産の基盤モデルって、どこのメーカーが作るの？").abstained


def test_a_country_named_in_the_background_is_left_to_the_bank_one_named_in_the_ask_declines(assistant):
    """Another country in the preamble (「アメリカには勝てないと思うけど、…」) does not decline what the documents
    answer; one in what is asked does, as the documents describe no other country's rules."""
    question = "正直アメリカには勝てないと思うけど、政府はAI開発をどう強化するつもりなの？"
    assert asked(question) == "政府はAI開発をどう強化するつもりなの？" and assistant.scope.background(question)
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].id.startswith("plan:3.2")
    assert assistant.ask("ドイツではAIの規制はどうなってるの？").abstained
    reason = "中国とかの方がAI進んでるし、日本は今から追いつけるの？"  # 「…し、」 ends a background clause too
    assert asked(reason) == "日本は今から追いつけるの？"
    answer = assistant.ask(reason)  # and 「追いつける」 holds no 「いつ」 (when) that needs a date in the answer
    assert not answer.abstained and answer.citations[0].id.startswith("plan:1")


def test_current_affairs_words_decline_only_in_what_is_asked(assistant):
    """「現在の…」 in the background of a question is no request for today's facts; 「今の…は誰？」 is."""
    answer = assistant.ask("現在の日本ではAIを使っている人がまだ少ないと聞きますが、政府は利用を広げるために何をするのですか？")
    assert not answer.abstained and answer.citations[0].id.startswith("plan:3.1")
    assert assistant.ask("今のAI担当大臣は誰？").abstained
    assert assistant.ask("AI戦略担当大臣って、いまはだれ？").abstained  # the same in kana: no names
    assert not assistant.ask("AI戦略本部の本部長ってだれ？").abstained  # an office the Act fills: answered


def test_what_is_asked_is_read_without_the_terms_the_query_stage_appended(assistant):
    """asked() reads the message, not the documents' terms appended to it (「… | 活用事業者」), and 「最新」 in the
    documents' own words (「最新の技術動向」) is no request for today's facts; 「最新版」 of a guideline still is."""
    read = assistant.reader.read("AI法の会社への規制は、ドイツと比べてどちらが厳しいのか伺いたい。").asks[0].normalized
    assert read != without_added_terms(read) and "ドイツと比べて" in asked(read)
    answer = assistant.ask("計画を見直すとき、最新の技術動向はどうやって取り込むの？")
    assert not answer.abstained and answer.citations[0].id == "plan:4.2"
    assert assistant.scope.off_topic("AI事業者ガイドラインの最新版で変わった点は？")
    assert not assistant.scope.background("最新の技術動向を踏まえて計画はどう見直されるの？")  # the weak signal alike
    assert assistant.scope.background("最新版のAI事業者ガイドラインに沿って計画はどう見直されるの？")


def test_a_minister_is_no_measure_to_look_up(assistant):
    """「担当の大臣」 asks about an office, not which ministries a measure lists: no measure's ministries."""
    answer = assistant.ask("AI担当の大臣はどういう人がなるの？")
    assert answer.route != "ministry" and answer.citations and answer.citations[0].id == "ai_act:23.1"
    assert assistant.ask("AI担当の大臣って、いまはだれがやってるの？").abstained


@pytest.mark.parametrize("question, places", [
    ("防衛力の抜本的な強化に向けたAI利活用と、地方自治体におけるAIの適正な利活用の促進について、担当府省を教えてください",
     {"plan:3.1.2.3", "plan:3.1.1.3"}),
    ("デジタルスキル標準を改めることと、初等中等教育や一般市民のAIリテラシーを高める支援について、それぞれの担当はどこですか",
     {"plan:3.4.3.5", "plan:3.4.3.6"}),
])
def test_a_staff_question_naming_two_measures_gets_both(assistant, question, places):
    """「AとBについて担当を」: the second measure holds three or more of the question's words the first lacks."""
    ans = assistant.ask(question)
    assert ans.route == "ministry" and {c.id for c in ans.citations} == places


def test_an_editors_note_does_not_stand_in_for_the_measures(assistant):
    """「(※ 具体的な施策は…)」 shares words with any question on measures; the section on the subject answers."""
    ans = assistant.ask("AI開発力の強化について、骨子はどのような具体的施策を盛り込んでいるのか、政府の見解を問う。")
    assert any(c.id.startswith("plan:3.2") for c in ans.citations), [c.id for c in ans.citations]
    assert [c.id for c in assistant.ask("第3章の施策の◎って何を意味するの？").citations] == ["plan:3"]


def test_a_heading_a_long_question_names_is_where_it_looks_first(assistant):
    ans = assistant.ask("AI政策は理念ばかりで実効性に乏しいとの批判が根強い。基本計画の骨子が示す「3原則」は、"
                        "いずれも抽象的な表現にとどまっており、現場の担当者には意味が伝わりにくい。その中身を具体的に説明されたい。")
    assert ans.citations[0].id == "plan:2.1" and "アジャイル" in ans.answer


def test_a_policy_named_by_its_quoted_motto_is_that_policy(assistant):
    ans = assistant.ask("基本的な方針のうち『AIを創る』とされるものは、人材の育成について何か述べていますか。")
    assert ans.citations[0].id == "plan:2.2.2"


def test_asking_whether_the_plan_says_something_looks_for_the_something(assistant):
    ans = assistant.ask("お年寄りがAIについていけずに取り残されたりしないか心配…そういうのって計画に書いてある？")
    assert ans.citations[0].id == "plan:3.4" and "取り残される者を生まない" in ans.answer


def test_a_blank_among_sibling_headings_is_the_sibling_not_named(assistant):
    ans = assistant.ask("穴埋め：骨子の基本的な方針は順に「AIを使う」「（　）」「AIの信頼性を高める」「AIと協働する」。")
    assert ans.citations[0].id == "plan:2.2.2" and ans.answer.startswith("空欄に当たるのは「AI開発力の戦略的強化")


def test_a_heading_counted_in_kanji_is_the_same_heading(assistant):
    ans = assistant.ask("AIの推進とリスクの関係については議論が分かれている。骨子案が掲げる三つの原則とは何か、政府の認識を問う。")
    assert ans.citations[0].id == "plan:2.1" and "内外一体" in ans.answer


@pytest.mark.parametrize("title, forms", [
    ("3原則", ["3原則", "三原則", "3つの原則", "三つの原則"]),
    ("4つの基本的な方針", ["4つの基本的な方針", "四つの基本的な方針"]),  # never 「4基本的な方針」
    ("AI利活用の加速的推進(「AIを使う」)", ["AI利活用の加速的推進", "「AIを使う」", "『AIを使う』"]),
])
def test_a_heading_is_named_as_questions_name_it(title, forms):
    from planqa.answer import _heading_forms

    assert _heading_forms(title) == forms


def test_a_blank_among_headings_of_two_lists_is_filled_from_the_list_the_question_names(assistant):
    ans = assistant.ask("骨子の4つの基本的な方針は「AI利活用の加速的推進」「（　　）」「AIガバナンスの主導」"
                        "「AI社会に向けた継続的変革」である。空欄を埋めよ。")
    assert ans.citations[0].id == "plan:2.2.2"  # not 第3章第2節, whose heading is the same


def test_two_sibling_measures_named_by_their_rare_words_each_get_their_ministry(assistant):
    ans = assistant.ask("骨子では、警察と防衛の分野でのAI利活用の取組は、それぞれどこが担当していますか。")
    assert {c.id for c in ans.citations} == {"plan:3.1.2.3", "plan:3.1.2.4"}
    assert "防衛省" in ans.answer and "警察庁" in ans.answer


def test_a_quoted_term_few_places_use_is_answered_from_each_of_them(assistant):
    """A term quoted in 「」 that only a few places use gets each of them close to the top (``_term_places``):
    「AI for Science」 is named in 第3章第2節's lead (a 勝ち筋) and in its measure (2)②; a term the documents define
    (「データセット(…をいう。)」) is answered by its definition alone."""
    cited = {c.id for c in assistant.ask("記事で「AI for Science」という言葉が出てきたけど、それって何のこと？").citations}
    assert {"plan:3.2", "plan:3.2.2.2"} <= cited, cited
    assert [c.id for c in assistant.ask("AI法に出てくる「データセット」ってなに？").citations] == ["ai_act:12.1"]


def test_a_quoted_term_asked_about_after_a_background_clause_gets_its_definition(assistant):
    ans = assistant.ask("友だちが「フィジカルAI」がこれから来るって言ってたんだけど、なにそれ？")  # 「なにそれ」 asks the meaning;
    assert [c.id for c in ans.citations] == ["plan:1.2"]  # the clause before 「けど、」 asks nothing more


def test_the_sentence_defining_the_term_asked_about_answers_it(assistant):
    ans = assistant.ask("戦略本部の本部長には、どういう立場の人が就くことになっているの？")  # 本部長, not 副本部長
    assert ans.citations[0].id == "ai_act:22.1" and "内閣総理大臣" in ans.answer
    assert assistant._defined_subject("本部長には誰が") == "本部長"
    assert assistant._defined_subject("人工知能基本計画は何を定める") is None  # a document's name


def test_a_quote_that_abbreviates_one_heading_names_it(assistant):
    ans = assistant.ask("骨子の「4つの方針」を全部教えて")  # 「4つの基本的な方針」
    assert ans.citations[0].id == "plan:2.2" and "「AIを創る」" in ans.answer
    assert assistant._loosely_quoted("「AIガバナンス主導」") == ()  # several headings fit: none is named


def test_an_answer_from_a_sections_lead_also_quotes_the_best_measure_inside_it(assistant):
    """第3章第3節's lead answers which framework Japan led (広島AIプロセス); the measure under it that carries the lead
    on (3 §3 (2)③, AISIネットワーク) joins it; without ``inner_margin`` the lead stands alone."""
    from dataclasses import replace

    question = "日本が主導したAIガバナンスの国際的な枠組みには何がある？"
    assert [c.id for c in assistant.ask(question).citations] == ["plan:3.3", "plan:3.3.2.3"]
    config = assistant.config
    assistant.config = replace(config, inner_margin=None)
    try:
        assert [c.id for c in assistant.ask(question).citations] == ["plan:3.3"]
    finally:
        assistant.config = config


def test_a_question_in_both_documents_terms_quotes_the_other_only_when_close(assistant):
    # 「施策」 is the plan's word, but the ask is about the Act's article: a distant plan measure does not join
    ans = assistant.ask("AI法は国に、人材の確保のためにどんな施策をとるよう定めていますか。")
    assert [c.id for c in ans.citations] == ["ai_act:14.1"]


@pytest.mark.parametrize("question, places", [
    ("AI法の第9条と第21条には何が書いてある？", ["ai_act:9", "ai_act:21"]),
    ("骨子第3章第1節(1)①と第3章第4節(2)②の内容を教えて", ["plan:3.1.1.1", "plan:3.4.2.2"]),
])
def test_every_place_named_as_a_whole_is_quoted(assistant, question, places):
    cited = [c.id for c in assistant.ask(question).citations]
    assert all(any(id_matches(c, p) for c in cited) for p in places), cited


def test_each_place_named_with_a_quote_gives_its_sentence(assistant):
    answer = assistant.ask("次の空欄を埋めよ。AI法第22条第1項「本部の長は、（ ア ）とする。」、"
                           "第27条「本部に係る事項については、内閣法にいう主任の大臣は、（ イ ）とする。」")
    cited = [c.id for c in answer.citations]
    assert any(id_matches(c, "ai_act:22") for c in cited) and any(id_matches(c, "ai_act:27") for c in cited), cited


def test_a_plain_ask_quotes_another_place_only_when_nearly_as_close(assistant):
    # 第23条第2項 (the deputies assist the head) scores within 0.02 of 第22条 but answers nothing asked:
    # a plain ask takes another place only within ``narrow_window``
    cited = [c.id for c in assistant.ask("本部長は誰がやる？").citations]
    assert cited and all(id_matches(c, "ai_act:22") for c in cited), cited


def test_a_view_keeps_the_wider_window_for_what_else_the_documents_say(assistant):
    # a view gets the documents' statements on its subject beyond the best one: the risks paragraph naming
    # 偽・誤情報 joins the measure on false information (``sentence_window``)
    cited = [c.id for c in assistant.ask("AIの偽情報とか詐欺が心配。政府はもっと対策に力を入れるべきでは？").citations]
    assert "plan:3.3.1.3" in cited and "plan:1.4" in cited, cited


def test_the_place_the_bank_makes_likely_breaks_a_near_tie(assistant):
    # 第5条 (local governments' own duty) scores close to the plan's support for municipalities; the place classifier
    # fitted on the bank puts a "will the state help" ask on the measure (``AnswerConfig.place_weight``)
    cited = [c.id for c in assistant.ask("自治体でのAI導入を国は手伝ってくれる？").citations]
    assert cited == ["plan:3.1.1.3"], cited


def test_a_later_ask_gets_the_new_place_its_own_words_agree_on(assistant):
    # the second ask points back (「これに対して」) and is read with the first, whose 第7条 ranks first again; its
    # own words alone rank 第8条 first, as the joined reading does among places not yet quoted (``_agreed_place``)
    cited = [c.id for c in assistant.ask(
        "AIを事業に使う会社にはAI法でどんな責務がある？ これに対して、私たち国民に求められている責務はどういうもの？").citations]
    assert cited == ["ai_act:7.1", "ai_act:8.1"], cited


@pytest.mark.parametrize("question", [
    # a short second ask after 「また、」: the joined reading ranks 第4条, 第5条 above 第8条, which the ask's own words
    # rank first; among the joined reading's best three it is agreed on (``_AGREED_WITHIN``)
    "AI法で事業者に求められていることは何ですか。また、国民に求められていることは何ですか。",
    # a numbered second ask is an item of its own like one after 「また、」 (``_enumerated``), not a restatement
    "AIの法律は関係者それぞれに役割を定めていると聞く。一、AIを使う事業者には何が求められているか。二、一般の国民には何が求められているのか。",
])
def test_a_short_second_ask_with_its_own_subject_gets_its_own_place(assistant, question):
    cited = [c.id for c in assistant.ask(question).citations]
    assert cited == ["ai_act:7.1", "ai_act:8.1"], cited


@pytest.mark.parametrize("question, parties", [
    ("AIを事業で使う者と一般の国民とで、国や自治体の施策に協力する義務の強さは違うの？", ["ai_act:7.1", "ai_act:8.1"]),
    ("研究開発機関と国民とでは、AI法が求める責務の書き方に違いはありますか。",
     ["ai_act:6.1", "ai_act:8.1", "ai_act:6.3"]),  # 研究開発機関's second duty too (``subject_margin``)
    ("AI法で、地方公共団体の場合と同じく国民も国の施策に協力するよう求められているのか。", ["ai_act:8.1", "ai_act:5.1"]),
])
def test_a_comparison_quotes_each_compared_partys_provision(assistant, question, parties):
    # each party set side by side (「AとBとで」「Aの場合と同じく」) by the provision it heads (「国民は、」); 国, named in
    # 「国や自治体の施策」 but not compared, does not join (``_other_party``)
    assert [c.id for c in assistant.ask(question).citations] == parties



@pytest.mark.parametrize("question", [
    "各組織がデータを囲い込んでいてはAIの性能は上がらないと思う。データの共有について政府はどう考えているのか。",
    "データがばらばらではAIの性能は伸びないでしょう。政府はデータ共有をどう考えていますか。",
    "海外製のAIがいくらでもあるのに、国産のAIをわざわざ開発する必要ってあるの？",
])
def test_a_figure_word_outside_what_is_asked_needs_no_figure(assistant, question):
    # 「性能は」 in the statement before the ask and 「いくらでも」 (any number of) ask for no figure: the documents'
    # view is quoted, not declined for want of a number (``value_present`` reads what is asked)
    ans = assistant.ask(question)
    assert not ans.abstained and ans.citations, question


def test_a_figure_asked_still_needs_one(assistant):
    assert assistant.ask("国産AIの性能は海外製の何倍くらいなの？").abstained


@pytest.mark.parametrize("question", ["人工知能戦略本部員には誰が充てられるのですか。",
                                      "人工知能戦略本部員にはどなたが充てられるのでしょうか。"])
def test_a_term_defined_for_the_next_paragraph_is_answered_there(assistant, question):
    # 第24条第1項 defines 「本部員」 「次項において」: what a 本部員 is, is 第24条第2項's, which alone answers (the
    # bonus for the defining sentence goes to the paragraph it names, ``_about_subject``)
    assert [c.id for c in assistant.ask(question).citations] == ["ai_act:24.2"]


def test_sentences_sharing_a_few_words_are_not_one_sentence(assistant):
    # 1.5 (people and AI complement each other) and 3 §4 (4)① (roles of people and AI where they work together)
    # share 人, AI, 社会, 協働 but say different things: both are quoted (``_overlap`` is over the words of both)
    cited = [c.id for c in assistant.ask(
        "AIが人間の職を奪ってしまう社会にならないか不安だ。政府は人とAIの関係をどう捉えているのか。").citations]
    assert "plan:1.5" in cited and "plan:3.4.4.1" in cited, cited


@pytest.mark.parametrize("question, cited", [
    ("AI法で、地方公共団体は国とどのように役割を分担して施策を進めることになっていますか。", ["ai_act:5.1"]),
    ("AI法では、人工知能戦略本部は本部長と副本部長と本部員で組織されるの？", ["ai_act:21.1"]),
])
def test_a_party_named_without_a_comparison_brings_no_second_provision(assistant, question, cited):
    # 「国と」「副本部長と」 name a party but compare nothing: only a comparison (``_COMPARING``) adds the other
    # party's provision (without the gate: 61 sets' precision −0.095, key facts +0.014)
    assert [c.id for c in assistant.ask(question).citations] == cited


def test_a_measure_re_listed_with_saikei_is_quoted_from_its_first_appearance(assistant):
    """3 §4 (2)① is 3 §1 (4)① again, marked 【再掲】: the answer cites where the measure first appears."""
    answer = assistant.ask("AIの時代に合わない規制が残っているのは問題ではないですか。国の考えを教えてください。")
    cited = [c.id for c in answer.citations]
    assert "plan:3.1.4.1" in cited and "plan:3.4.2.1" not in cited


@pytest.mark.parametrize("question, cited", [
    ("研究開発機関って、AI法でどんなことをがんばらないといけないの？", ["ai_act:6.1", "ai_act:6.3"]),
    ("AI戦略本部が協力をお願いできるのは役所だけ？", ["ai_act:25.1", "ai_act:25.2"]),
])
def test_the_same_subjects_other_paragraph_joins_the_first(assistant, question, cited):
    """What a provision makes its subject do is said in two paragraphs of one article (「研究開発機関は、」 in 第6条第1項
    and 第3項); the second joins within ``subject_margin``; without the setting the first stands alone."""
    from dataclasses import replace

    assert [c.id for c in assistant.ask(question).citations] == cited
    config = assistant.config
    assistant.config = replace(config, subject_margin=None)
    try:
        assert [c.id for c in assistant.ask(question).citations] == cited[:1]
    finally:
        assistant.config = config


def test_a_definition_asked_takes_no_other_paragraph_of_its_subject(assistant):
    assert [c.id for c in assistant.ask("AI法でいう研究開発機関とは？").citations] == ["ai_act:6.1"]


@pytest.mark.parametrize("question, cited", [
    ("国は自分の役所の仕事でもAIを使うことになってるの？", ["ai_act:4.2"]),  # 「国は、」 opens most provisions
    ("AI法第25条第1項で、本部が協力を求められる相手は？", ["ai_act:25.1"]),  # a paragraph named is asked alone
])
def test_a_generic_subject_or_a_named_paragraph_takes_no_other_paragraph(assistant, question, cited):
    assert [c.id for c in assistant.ask(question).citations] == cited


def test_a_place_the_bank_asks_about_as_a_figure_of_speech_is_not_elsewhere(assistant):
    """「霞が関」 (the government) is named by no document but by answerable bank questions and by no near miss: the
    question is answered; a town the bank never writes still declines."""
    ans = assistant.ask("霞が関の省庁がAIで仕事を効率化することって、法律や計画でどう扱われてる？")
    assert not ans.abstained and ans.citations[0].id in ("plan:3.1.1.2", "ai_act:4.2")
    assert assistant.ask("浜松市の役所ではAIをどう使うことになってる？").abstained
