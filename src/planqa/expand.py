"""Grow a document's question bank with an LLM (doc2query) through any OpenAI-compatible endpoint.

For each citable place the model gets the place's sentences, numbered, and is asked for questions in the
bank's registers, each naming the sentences that answer it. Replies are parsed line by line; a line that is
not JSON, names no valid sentence or repeats a question is dropped, so a sloppy model cannot corrupt the bank.

Example usage::

    entries = expand_document(load_corpus(), "ai_act", LLMConfig.from_env(), per_place=15)
"""

from __future__ import annotations

import json
import logging
import re

from .bank import REGISTERS, BankEntry, place_sentences
from .chunk import make_chunks
from .corpus import Corpus
from .llm import LLMConfig

__all__ = ["expand_document", "parse_reply", "EXPAND_PROMPT"]

log = logging.getLogger(__name__)

EXPAND_PROMPT = (
    "あなたは行政文書の質問集を作る編集者です。<箇所>の番号付きの文だけで答えられる質問を、"
    "次の文体で合計{n}個作ってください: {registers}。"
    "文書に書かれていないことを問う質問は作らないでください。"
    "1行に1つ、JSONで {{\"register\": \"a\", \"q\": \"質問\", \"s\": [答えの文の番号]}} の形で出力し、"
    "ほかには何も書かないでください。"
)
_LINE = re.compile(r"\{.*\}")


def parse_reply(reply: str, place_id: str, sentences: list[str], source: str) -> list[BankEntry]:
    """Bank entries from a model reply of JSON lines; invalid lines are dropped."""
    entries, seen = [], set()
    for line in reply.splitlines():
        m = _LINE.search(line)
        try:
            obj = json.loads(m.group(0)) if m else None
            register, q, numbers = obj["register"], str(obj["q"]).strip(), [int(n) for n in obj["s"]]
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            continue
        if register not in REGISTERS or not q or q in seen or not numbers \
                or not all(0 <= n < len(sentences) for n in numbers):
            continue
        seen.add(q)
        entries.append(BankEntry(place_id, q, register, tuple(sentences[n] for n in dict.fromkeys(numbers)), source))
    return entries


def _messages(place_label: str, sentences: list[str], per_place: int):
    from llama_index.core.llms import ChatMessage

    registers = "、".join(f"{k}={v}" for k, v in REGISTERS.items())
    numbered = "\n".join(f"{n}: {s}" for n, s in enumerate(sentences))
    return [ChatMessage(role="system", content=EXPAND_PROMPT.format(n=per_place, registers=registers)),
            ChatMessage(role="user", content=f"<箇所>\n{place_label}\n{numbered}\n</箇所>")]


def expand_document(corpus: Corpus, doc_id: str, config: LLMConfig, per_place: int = 15,
                    progress=None) -> list[BankEntry]:
    """New bank entries for every citable place of ``doc_id``; raises LLMError when the endpoint fails."""
    corpus.document(doc_id)  # an unknown document raises CorpusError
    client, source = config.client(), f"llm:{config.model}"
    places = list(dict.fromkeys(u.id for c in make_chunks(corpus) if c.doc == doc_id for u in c.units))
    entries: list[BankEntry] = []
    for n, place_id in enumerate(places, 1):
        sentences = place_sentences(corpus, place_id)
        try:
            reply = client.chat(_messages(corpus[place_id].label, sentences, per_place)).message.content or ""
        except Exception as exc:  # network, timeout, HTTP and protocol errors of the client library
            raise config._failure(exc) from None
        found = parse_reply(reply, place_id, sentences, source)
        log.info("expand %s: %d entries", place_id, len(found))
        entries += found
        if progress:
            progress(n, len(places))
    return entries
