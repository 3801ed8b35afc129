"""Abuse resistance for the public app: one typed settings object, a per-client rate limit, and an ASGI
middleware that limits request bodies, keeps the upload route closed and sets security headers.

Privacy: the rate limiter keys clients by a salted hash of their address, in memory only, and the
moving-window storage forgets a key when its window has passed.

Behind a reverse proxy every request comes from the proxy, so the client is the address the proxy put in
``X-Forwarded-For`` — but only when the direct peer is one of ``trusted_proxies``; anyone else could write
any address there and escape the limit.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
from dataclasses import dataclass, fields
from typing import Iterable, Sequence

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

__all__ = ["ServerSettings", "RateLimiter", "Guard", "client_address", "BUSY", "SECURITY_HEADERS"]

BUSY = "ただいま混み合っています。少し時間をおいてから、もう一度お試しください。"
_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
        "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; font-src 'self' data: https://fonts.gstatic.com; "
        "img-src 'self' data: blob:; media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = ((b"content-security-policy", _CSP.encode()), (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"))
_ENV = {"rate": "PLANQA_RATE_LIMIT", "queue_size": "PLANQA_QUEUE_SIZE", "concurrency": "PLANQA_CONCURRENCY",
        "max_asks": "PLANQA_MAX_ASKS", "time_budget_s": "PLANQA_TIME_BUDGET_S", "max_body_bytes": "PLANQA_MAX_BODY_BYTES",
        "trusted_proxies": "PLANQA_TRUSTED_PROXIES"}
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class ServerSettings:
    """Limits of the public app. Built once at start from CLI flags, else ``PLANQA_*`` variables, else these."""

    rate: str = "20/minute"  # questions per client (limits' notation: "5/second", "100 per hour")
    queue_size: int = 64  # requests waiting in Gradio's queue; more are refused at once
    concurrency: int = 4  # requests answered at the same time
    max_asks: int = 8  # asks of one message that are answered; the rest are named as not answered
    time_budget_s: float = 3.0  # no further ask of a message is started after this long
    max_body_bytes: int = 64 * 1024  # a question is at most 500 characters; nothing legitimate is larger
    trusted_proxies: tuple[str, ...] = ()  # addresses or networks ("127.0.0.1", "10.0.0.0/8") whose X-Forwarded-For
    # names the client; none by default: the direct peer is the client

    def __post_init__(self) -> None:
        try:
            parse(self.rate)
        except ValueError as exc:
            raise ValueError(f"rate limit {self.rate!r} is not like '20/minute' ({exc})") from None
        for f in fields(self):
            if f.name not in ("rate", "trusted_proxies") and not getattr(self, f.name) > 0:
                raise ValueError(f"{_ENV[f.name]} must be positive, not {getattr(self, f.name)!r}")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"PLANQA_TRUSTED_PROXIES: {proxy!r} is not an address or network like 127.0.0.1 "
                                 "or 10.0.0.0/8") from None

    @classmethod
    def from_env(cls, **flags) -> "ServerSettings":
        """Flags given (not None) win over the environment, which wins over the defaults."""
        values = {}
        for f in fields(cls):
            raw = flags.get(f.name)
            if raw is None:
                raw = os.environ.get(_ENV[f.name])
            if raw is not None and raw != "":
                kind = {"int": int, "float": float, "tuple[str, ...]": _addresses}.get(str(f.type), str)
                try:
                    values[f.name] = kind(raw)
                except ValueError:
                    raise ValueError(f"{_ENV[f.name]}={raw!r} is not a valid {str(f.type)}") from None
        return cls(**values)


def _addresses(raw: str | Iterable[str]) -> tuple[str, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` (or a sequence of them) → ``("127.0.0.1", "10.0.0.0/8")``."""
    items = raw.split(",") if isinstance(raw, str) else raw
    return tuple(item.strip() for item in items if item.strip())


def _is_trusted(address: str | None, proxies: Sequence[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str | None, forwarded_for: str | None, proxies: Sequence[IPNetwork] = ()) -> str | None:
    """The client a request comes from: the direct ``peer``, unless that is a trusted proxy — then the right-most
    X-Forwarded-For entry that is not itself a trusted proxy (proxies append to the header; entries left of
    the last untrusted one were written by the client and prove nothing).

        >>> client_address("127.0.0.1", "203.0.113.9", [ipaddress.ip_network("127.0.0.1")])
        '203.0.113.9'
        >>> client_address("198.51.100.7", "203.0.113.9", [ipaddress.ip_network("127.0.0.1")])
        '198.51.100.7'
    """
    if not forwarded_for or not _is_trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    return next((hop for hop in reversed(hops) if not _is_trusted(hop, proxies)), hops[0] if hops else peer)


class RateLimiter:
    """Per-client moving-window limit; clients are known only by a salted hash of their address (behind one of
    ``trusted_proxies``, the address that proxy forwarded)."""

    def __init__(self, rate: str, trusted_proxies: Iterable[str] = ()) -> None:
        self._limit = parse(rate)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._salt = os.urandom(16)
        self._proxies = tuple(ipaddress.ip_network(p, strict=False) for p in trusted_proxies)

    def allow(self, peer: str | None, forwarded_for: str | None = None) -> bool:
        """Count one question for the client behind ``peer`` (and its X-Forwarded-For header); False when it is
        over its limit."""
        client = client_address(peer, forwarded_for, self._proxies)
        key = hashlib.sha256(self._salt + (client or "unknown").encode("utf-8", "replace")).hexdigest()[:32]
        return self._limiter.hit(self._limit, key)


def _error(status: int, code: str, message: str) -> tuple[dict, dict]:
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()
    start = {"type": "http.response.start", "status": status,
             "headers": [(b"content-type", b"application/json; charset=utf-8"),
                         (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]}
    return start, {"type": "http.response.body", "body": body}


class Guard:
    """ASGI middleware: body-size limit (declared or streamed), closed upload route, security headers."""

    def __init__(self, app, max_body_bytes: int = ServerSettings.max_body_bytes) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].rstrip("/").endswith("/upload"):
            await self._refuse(send, 403, "upload_closed", "ファイルのアップロードは受け付けていません。")
            return
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await self._refuse(send, 413, "body_too_large", "送信されたデータが大きすぎます。")
            return
        received, started, refused = 0, False, False

        async def limited_receive():
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        async def secured_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = dict(message, headers=[*message.get("headers", ()), *SECURITY_HEADERS])
            await send(message)

        await self.app(scope, limited_receive, secured_send)
        if refused and not started:
            await self._refuse(send, 413, "body_too_large", "送信されたデータが大きすぎます。")

    @staticmethod
    async def _refuse(send, status: int, code: str, message: str) -> None:
        start, body = _error(status, code, message)
        await send(start)
        await send(body)
