"""The REST API on a real server on 127.0.0.1 (the app's own server): shapes, errors with stable codes, limits."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(assistant, data_dir, settings=None):
    from planqa import web

    demo = web.build_app(assistant, data_dir, settings)
    demo.queue()
    port = _free_port()
    web.launch(demo, data_dir, host="127.0.0.1", port=port, settings=settings, prevent_thread_lock=True, quiet=True)
    return demo, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def base(assistant, tmp_path_factory):
    demo, url = _serve(assistant, tmp_path_factory.mktemp("api"))
    yield url
    demo.close()


def call(url: str, method: str = "GET", body: object = None, raw: bytes | None = None):
    """(status, headers, parsed JSON) of one request."""
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read())


def test_ask_returns_the_spec_object(base, assistant):
    status, headers, got = call(f"{base}/api/v1/ask", "POST", {"question": "AI法って罰則あるの？"})
    expected = assistant.ask("AI法って罰則あるの？").to_json()
    assert status == 200 and set(got) == {"answer", "abstained", "citations", "retrieved", "latency_ms"}
    assert got["answer"] == expected["answer"] and got["citations"] == expected["citations"]
    assert headers["X-Frame-Options"] == "DENY"  # the app's security headers cover the API too


def test_ask_can_be_restricted_to_a_document(base):
    _, _, got = call(f"{base}/api/v1/ask", "POST", {"question": "計画の見直しはどうなっている？", "documents": ["plan"]})
    assert got["citations"] and all(c["id"].startswith("plan:") for c in got["citations"])


@pytest.mark.parametrize("body, raw, status, code", [
    ({"text": "AI法とは"}, None, 422, "invalid_request"),  # no "question"
    (None, b"{not json", 422, "invalid_request"),
    ({"question": ["AI法"]}, None, 422, "invalid_request"),
    ({"question": "   "}, None, 400, "invalid_question"),
    ({"question": "AI法の目的は？", "documents": ["kenpou"]}, None, 400, "invalid_question"),
])
def test_bad_requests_get_json_errors_with_stable_codes(base, body, raw, status, code):
    got_status, _, got = call(f"{base}/api/v1/ask", "POST", body, raw)
    assert got_status == status and got["error"]["code"] == code and got["error"]["message"]


def test_a_body_over_the_limit_is_refused(base):
    status, _, got = call(f"{base}/api/v1/ask", "POST", {"question": "あ" * 40_000})  # 120 kB of UTF-8
    assert status == 413 and got["error"]["code"] == "body_too_large"


def test_ministries_and_sections(base):
    _, _, measures = call(f"{base}/api/v1/ministries?lead=%E7%B5%8C%E7%94%A3%E7%9C%81")  # lead=経産省
    assert measures and all("経済産業省" in m["lead"] for m in measures)
    status, _, place = call(f"{base}/api/v1/sections/ai_act:18.1")
    assert status == 200 and place["label"] == "AI法 第18条第1項" and "人工知能基本計画" in place["text"]
    status, _, missing = call(f"{base}/api/v1/sections/ai_act:99")
    assert status == 404 and missing["error"]["code"] == "unknown_section"


def test_health_and_openapi(base):
    status, _, health = call(f"{base}/healthz")
    assert status == 200 and health["status"] == "ok" and health["documents"] == ["plan", "ai_act"]
    _, _, spec = call(f"{base}/openapi.json")
    assert {"/api/v1/ask", "/api/v1/ministries", "/api/v1/sections/{section_id}", "/healthz"} <= set(spec["paths"])


def test_questions_over_the_rate_are_refused_at_once(assistant, tmp_path):
    from planqa.guard import ServerSettings

    demo, url = _serve(assistant, tmp_path, ServerSettings(rate="2/minute"))
    try:
        statuses = [call(f"{url}/api/v1/ask", "POST", {"question": "AI法の目的は？"})[0] for _ in range(3)]
        _, _, refused = call(f"{url}/api/v1/ask", "POST", {"question": "AI法の目的は？"})
    finally:
        demo.close()
    assert statuses == [200, 200, 429] and refused["error"]["code"] == "rate_limited"
