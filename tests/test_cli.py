"""The command line: SPEC §5 JSON, clear Japanese errors without tracebacks, privacy of logs."""

from __future__ import annotations

import json
import logging
import subprocess
from dataclasses import replace


def run(*args):
    return subprocess.run(["planqa", *args], capture_output=True, text=True, timeout=120)


def test_ask_json_is_spec_shape():
    out = run("ask", "AI法に罰則はある？", "--json")
    assert out.returncode == 0
    obj = json.loads(out.stdout)
    assert list(obj) == ["answer", "abstained", "citations", "retrieved", "latency_ms"]
    assert obj["citations"][0]["id"] == "ai_act:title" and obj["abstained"] is False


def test_bad_questions_exit_1_with_a_japanese_message_and_no_traceback():
    for question in ("", "   ", "あ" * 20000):
        out = run("ask", question)
        assert out.returncode == 1
        assert out.stderr.startswith("エラー: 質問")
        assert "Traceback" not in out.stderr


def test_missing_index_explains_how_to_build(tmp_path):
    out = run("ask", "AI法の目的は？", "--index", str(tmp_path / "none"))
    assert out.returncode == 1 and "planqa build" in out.stderr and "Traceback" not in out.stderr


def test_unknown_section_id_is_a_clear_error():
    out = run("sections", "ai_act:99")
    assert out.returncode == 1 and "ai_act:99" in out.stderr and "Traceback" not in out.stderr


def test_sections_prints_a_place_with_its_label():
    out = run("sections", "plan:3.2.4.2")
    lines = out.stdout.splitlines()
    assert lines[0] == "[骨子 第3章第2節(4)②] (plan:3.2.4.2)  人工知能基本計画骨子(案)（2025年9月）"
    assert lines[-1].startswith("※ 骨子(案)です。") and lines[-1].endswith("ai_plan.html")  # not the adopted plan


def test_questions_stay_out_of_logs_unless_enabled(assistant, caplog):
    secret = "私の住所は東京都千代田区1-1です。AI法の目的は？"
    with caplog.at_level(logging.DEBUG, logger="planqa"):
        assistant.ask(secret)
    assert "answered route=" in caplog.text and "千代田区" not in caplog.text
    caplog.clear()
    saved = assistant.config
    assistant.config = replace(saved, log_questions=True)
    try:
        with caplog.at_level(logging.INFO, logger="planqa"):
            assistant.ask(secret)
    finally:
        assistant.config = saved
    assert "千代田区" in caplog.text


def test_ask_can_be_restricted_to_one_document():
    out = run("ask", "計画の見直しはどうなっている？", "--document", "plan", "--json")
    cited = [c["id"] for c in json.loads(out.stdout)["citations"]]
    assert cited and all(cid.startswith("plan:") for cid in cited)


def test_an_unknown_document_is_a_clear_error():
    result = run("ask", "AI法の目的は？", "--document", "kenpou")
    assert result.returncode != 0 and "文書「kenpou」は収録していません" in result.stderr
