"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1, for tests.

Example usage::

    server = ChatServer()
    server.script("AI法は…目的としています。[ai_act:1.1]")        # the next reply
    server.script(["AI法は", "…", "[ai_act:1.1]"])               # as streamed deltas
    server.script("", status=500)                                 # an error
    server.script("late", delay=3)                                # answer after 3 s
    ...
    server.requests[0]["body"]["messages"]                        # what the client sent
    server.close()

``POST /v1/chat/completions`` answers as JSON, or, when the request has ``"stream": true``,
as server-sent events (``data: {chunk}`` with ``choices[0].delta.content``, then
``data: [DONE]``). A delay ends early when the server is re-scripted or closed, so no test
waits on a sleeping handler.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

Reply = str | list[str] | Callable[[dict], str]


class ChatServer:
    """Records every request and answers with the scripted reply."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.reply: Reply = ""
        self.status = 200
        self.delay = 0.0
        self._release = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.chat = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def script(self, reply: Reply = "", *, status: int = 200, delay: float = 0.0) -> None:
        """Set the next replies and forget earlier requests (releasing any delayed handler)."""
        self._release.set()
        self._release = threading.Event()
        self.requests.clear()
        self.reply, self.status, self.delay = reply, status, delay

    def close(self) -> None:
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def deltas(self, request: dict) -> list[str]:
        reply = self.reply(request) if callable(self.reply) else self.reply
        return [reply] if isinstance(reply, str) else list(reply)


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        chat: ChatServer = self.server.chat  # type: ignore[attr-defined]
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        request = {"path": self.path, "headers": dict(self.headers), "body": body}
        chat.requests.append(request)
        release = chat._release
        try:
            if self.path != "/v1/chat/completions":
                return self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            if chat.delay:
                release.wait(chat.delay)
            if chat.status != 200:
                return self._json(chat.status, {"error": {"message": "scripted failure", "type": "server_error"}})
            deltas = chat.deltas(request)
            if body.get("stream"):
                return self._stream(body.get("model", ""), deltas)
            message = {"role": "assistant", "content": "".join(deltas)}
            self._json(200, {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                             "model": body.get("model", ""),
                             "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                             "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass

    def _json(self, status: int, obj: dict) -> None:
        data = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, model: str, deltas: list[str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        first = [{"role": "assistant", "content": ""}]
        pieces = [(d, None) for d in first + [{"content": t} for t in deltas]] + [({}, "stop")]
        for delta, finish in pieces:
            chunk = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()),
                     "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
