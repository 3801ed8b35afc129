"""A plain REST API for integrators that are not Python or Gradio clients (other government systems, chat bots).

Mounted on the web app's own server (Gradio runs on FastAPI) and listed in its OpenAPI document
(``/openapi.json``), behind the same limits (body size, per-client rate):

- ``POST /api/v1/ask`` — ``{"question": "…", "documents": ["plan"]}`` → the SPEC §5 answer object
- ``GET /api/v1/ministries?ministry=&lead=&keyword=`` — the plan's measures with their ministries
- ``GET /api/v1/sections/{id}`` — one place's full text (``ai_act:18.1``)
- ``GET /healthz`` — whether the index answers

Every error is JSON ``{"error": {"code": "…", "message": "…"}}`` with a stable ``code`` (``invalid_request``,
``invalid_question``, ``unknown_section``, ``rate_limited``, ``body_too_large``, ``unavailable``) and a message
a citizen can read.
"""

from __future__ import annotations

from typing import Callable

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from .answer import Assistant
from .errors import PlanqaError, UnknownSectionError
from .guard import BUSY, RateLimiter
from .ministries import find_measures

__all__ = ["api_router", "AskRequest"]

def error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


class _JSONErrors(APIRoute):
    """Malformed requests answer with the API's error shape, not FastAPI's ``{"detail": …}``."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def guarded(request: Request):
            try:
                return await handler(request)
            except RequestValidationError:
                return error(422, "invalid_request",
                             'リクエストの形式が正しくありません。{"question": "質問の文"} の形で送ってください。')
        return guarded


class AskRequest(BaseModel):
    question: str = Field(description="The question, in Japanese (at most 2,000 characters).",
                          examples=["AI法に罰則はある？"])
    documents: list[str] | None = Field(default=None, description="Answer from these documents only (IDs: plan, "
                                        "ai_act …); all when omitted.", examples=[["ai_act"]])


def api_router(assistant: Assistant, limiter: RateLimiter) -> APIRouter:
    """The REST endpoints over one loaded assistant, counting questions against ``limiter``."""
    router = APIRouter(route_class=_JSONErrors, tags=["planqa"])

    @router.post("/api/v1/ask", summary="Answer a question with citations (SPEC §5 object)")
    def ask(body: AskRequest, request: Request):
        if not limiter.allow(request.client.host if request.client else None, request.headers.get("x-forwarded-for")):
            return error(429, "rate_limited", BUSY)
        try:
            return assistant.ask(body.question, documents=body.documents).to_json()
        except PlanqaError as exc:
            return error(400, "invalid_question", exc.user_message)

    @router.get("/api/v1/ministries", summary="The plan's measures and their ministries (◎ lead), filtered")
    def ministries(ministry: str = "", lead: str = "", keyword: str = ""):
        return [m.to_json() for m in find_measures(assistant.table, lead=lead or None, ministry=ministry or None,
                                                   keyword=keyword or None)]

    @router.get("/api/v1/sections/{section_id}", summary="One place's full text by citation ID")
    def section(section_id: str):
        try:
            sec = assistant.corpus[section_id]
        except UnknownSectionError as exc:
            return error(404, "unknown_section", exc.user_message)
        return {"id": sec.id, "label": sec.label, "title": sec.title, "text": assistant.corpus.full_text(sec.id)}

    @router.get("/healthz", summary="Whether the index is loaded and answers")
    def healthz():
        try:
            hits = assistant.retriever.search("人工知能", k=1)
        except Exception:  # noqa: BLE001 — any failure means not healthy; the log has it
            hits = []
        if not hits:
            return error(503, "unavailable", "検索の索引が使えません。管理者にお知らせください。")
        return {"status": "ok", "chunks": len(assistant.retriever.index.chunks),
                "documents": [d.id for d in assistant.corpus.documents]}

    return router
