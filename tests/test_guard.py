"""Abuse resistance: typed settings, per-client rate limit, body limit, closed uploads, security headers,
a cap on asks per message — against a real server on 127.0.0.1."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import replace

import pytest

from planqa import web
from planqa.guard import BUSY, RateLimiter, ServerSettings


def test_settings_come_from_flags_then_environment_then_defaults(monkeypatch):
    monkeypatch.setenv("PLANQA_RATE_LIMIT", "5/second")
    monkeypatch.setenv("PLANQA_MAX_ASKS", "3")
    settings = ServerSettings.from_env(max_asks=5)
    assert (settings.rate, settings.max_asks, settings.queue_size) == ("5/second", 5, 64)
    for bad in ({"rate": "たくさん"}, {"queue_size": "0"}, {"time_budget_s": "すぐ"}):
        with pytest.raises(ValueError):
            ServerSettings.from_env(**bad)


def test_trusted_proxies_come_from_the_serve_flag_and_a_bad_one_stops_the_start_in_one_line():
    from click.testing import CliRunner

    from planqa.cli import main

    assert ServerSettings.from_env(trusted_proxies="127.0.0.1, 10.0.0.0/8").trusted_proxies == ("127.0.0.1", "10.0.0.0/8")
    result = CliRunner().invoke(main, ["serve", "--trusted-proxies", "どこか"])
    assert result.exit_code != 0 and "設定が正しくありません" in str(result.exception)
    assert "Traceback" not in result.output


def test_rate_limit_counts_each_client_apart_and_keeps_no_address():
    limiter = RateLimiter("2/minute")
    assert [limiter.allow("10.0.0.1") for _ in range(3)] == [True, True, False]
    assert limiter.allow("10.0.0.2")
    stored = repr(vars(limiter._limiter.storage))
    assert "10.0.0.1" not in stored and "10.0.0.2" not in stored  # only salted hashes are kept


def test_a_message_with_too_many_asks_answers_the_first_ones_and_says_so(assistant):
    message = "".join(f"第{n}条は何を定めている？" for n in range(1, 13))  # twelve asks in one message
    original = assistant.config
    try:
        assistant.config = replace(original, time_budget_s=60.0)  # the cap on asks, not the clock (a busy machine)
        answer = assistant.ask(message)
        assert "最初の8件にお答えしました" in answer.answer
        assert {c.id.split(".")[0] for c in answer.citations} <= {f"ai_act:{n}" for n in range(1, 9)}
        assistant.config = replace(original, time_budget_s=0.0)  # the budget is spent after the first ask
        assert "最初の1件にお答えしました" in assistant.ask(message).answer
    finally:
        assistant.config = original


@pytest.fixture(scope="module")
def server(assistant, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("guard")
    settings = ServerSettings(rate="3/minute", max_body_bytes=4096)
    demo = web.build_app(assistant, data_dir, settings)
    demo.queue(max_size=settings.queue_size)
    _, url, _ = web.launch(demo, data_dir, port=None, settings=settings, prevent_thread_lock=True, quiet=True)
    yield url.rstrip("/")
    demo.close()


def _request(url: str, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_pages_carry_anti_framing_and_content_security_headers(server):
    status, headers, _ = _request(server + "/")
    assert status == 200 and headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_uploads_are_closed_and_large_bodies_refused_with_a_json_error(server):
    status, _, body = _request(server + "/gradio_api/upload", b"x" * 100, {"Content-Type": "application/octet-stream"})
    assert status == 403 and json.loads(body)["error"]["code"] == "upload_closed"
    big = json.dumps({"data": ["あ" * 5000]}).encode()
    status, _, body = _request(server + "/gradio_api/call/ask", big, {"Content-Type": "application/json"})
    assert status == 413 and json.loads(body)["error"] == {"code": "body_too_large",
                                                         "message": "送信されたデータが大きすぎます。"}


def test_a_client_over_its_rate_gets_the_busy_message_not_a_hang(server):
    from gradio_client import Client

    client = Client(server + "/", verbose=False)
    answers = [client.predict("AI法の目的は？", api_name="/ask") for _ in range(3)]
    assert all(not a["abstained"] for a in answers)
    with pytest.raises(Exception, match="混み合っています"):
        client.predict("AI法の目的は？", api_name="/ask")
    assert BUSY.startswith("ただいま混み合っています")


def test_internal_errors_do_not_reach_the_client(server):
    from gradio_client import Client

    client = Client(server + "/", verbose=False)
    with pytest.raises(Exception) as caught:
        client.predict(["ai_act:1"], api_name="/section")
    assert "unhashable" not in str(caught.value)


def test_a_damaged_index_stops_the_app_with_an_operators_message(tmp_path):
    """`python app.py` on a damaged or malformed index says what is wrong and how to fix it: no traceback."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(web.__file__).resolve().parents[2]
    for damage in ("dense.faiss", "manifest.json"):
        index = tmp_path / damage
        shutil.copytree(root / "indexes" / "default", index)
        (index / damage).write_bytes(b"broken")
        env = {**os.environ, "PLANQA_INDEX_DIR": str(index), "PLANQA_DATA_DIR": str(tmp_path / "data"),
               "GRADIO_SERVER_PORT": "0"}
        out = subprocess.run([sys.executable, str(root / "app.py")], env=env, capture_output=True, text=True,
                             timeout=120)
        assert out.returncode != 0 and "Traceback" not in out.stderr, out.stderr[-800:]
        assert "planqa: cannot start" in out.stderr and "planqa build" in out.stderr and "時間をおいて" not in out.stderr


def test_an_unknown_id_is_never_echoed_whole(corpus):
    from planqa.errors import UnknownSectionError

    with pytest.raises(UnknownSectionError) as caught:
        corpus["ai_act:" + "9" * 100_000]
    assert len(str(caught.value)) < 200 and len(caught.value.user_message) < 80


def test_x_forwarded_for_names_the_client_only_behind_a_trusted_proxy():
    from ipaddress import ip_network

    from planqa.guard import client_address

    proxies = [ip_network("127.0.0.1"), ip_network("10.0.0.0/8")]
    assert client_address("127.0.0.1", "203.0.113.9", proxies) == "203.0.113.9"
    assert client_address("198.51.100.7", "203.0.113.9", proxies) == "198.51.100.7"  # not a proxy: header ignored
    assert client_address("127.0.0.1", "203.0.113.9", []) == "127.0.0.1"  # none trusted (the default)
    assert client_address("127.0.0.1", None, proxies) == "127.0.0.1"
    # proxies append: the right-most address that is not a trusted proxy is the client; left of it, anything goes
    assert client_address("127.0.0.1", "1.2.3.4, 203.0.113.9, 10.1.2.3", proxies) == "203.0.113.9"
    assert client_address("127.0.0.1", "10.9.9.9, 10.1.2.3", proxies) == "10.9.9.9"  # all proxies: the first


def test_trusted_proxies_come_from_the_environment_and_are_checked(monkeypatch):
    monkeypatch.setenv("PLANQA_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    assert ServerSettings.from_env().trusted_proxies == ("127.0.0.1", "10.0.0.0/8")
    assert ServerSettings().trusted_proxies == ()
    with pytest.raises(ValueError, match="PLANQA_TRUSTED_PROXIES: 'nginx' is not an address"):
        ServerSettings.from_env(trusted_proxies="nginx")


def _launch(assistant, data_dir, settings):
    demo = web.build_app(assistant, data_dir, settings)
    demo.queue(max_size=settings.queue_size)
    _, url, _ = web.launch(demo, data_dir, port=None, settings=settings, prevent_thread_lock=True, quiet=True)
    return demo, url.rstrip("/")


def _ask(url: str, forwarded_for: str) -> int:
    body = json.dumps({"question": "AI法の目的は？"}).encode()
    return _request(url + "/api/v1/ask", body, {"Content-Type": "application/json",
                                                "X-Forwarded-For": forwarded_for})[0]


def test_a_client_cannot_escape_its_rate_by_writing_x_forwarded_for(assistant, tmp_path):
    """No proxy is trusted by default, not even one on 127.0.0.1 (uvicorn's own default is to trust it)."""
    demo, url = _launch(assistant, tmp_path, ServerSettings(rate="2/minute"))
    try:
        assert [_ask(url, f"203.0.113.{n}") for n in range(3)] == [200, 200, 429]
    finally:
        demo.close()


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_rate(assistant, tmp_path):
    from gradio_client import Client

    demo, url = _launch(assistant, tmp_path, ServerSettings(rate="2/minute", trusted_proxies=("127.0.0.1",)))
    try:
        assert [_ask(url, "203.0.113.1") for _ in range(3)] == [200, 200, 429]
        assert _ask(url, "203.0.113.2") == 200
        client = Client(url + "/", verbose=False, headers={"X-Forwarded-For": "203.0.113.3"})  # the chat's path
        assert not client.predict("AI法の目的は？", api_name="/ask")["abstained"]
        client.predict("AI法の目的は？", api_name="/ask")
        with pytest.raises(Exception, match="混み合っています"):
            client.predict("AI法の目的は？", api_name="/ask")
    finally:
        demo.close()
