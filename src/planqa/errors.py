"""Exceptions raised by planqa. Messages say what to do; only cli.py and web.py render them.

    PlanqaError
    ├── CorpusError          a source document is missing or cannot be parsed
    ├── UnknownSectionError  a citation ID that names no place in the documents
    ├── IndexNotFoundError   no index on disk: run `planqa build`
    ├── IndexMismatchError   the index was built from another corpus/embedder/chunker
    ├── IndexCorruptError    index files missing, truncated or unreadable
    ├── IndexLockedError     another build holds the index lock
    ├── EmbedderError        an embedding backend cannot be loaded
    ├── InvalidQuestionError the question is empty, too long or unreadable
    └── LLMError             the LLM endpoint failed (callers fall back to extractive)
"""

from __future__ import annotations


class PlanqaError(Exception):
    """Base class. ``user_message`` is the Japanese text shown to citizens."""

    user_message = "エラーが発生しました。時間をおいてもう一度お試しください。"

    def __init__(self, message: str, user_message: str | None = None) -> None:
        super().__init__(message)
        if user_message is not None:
            self.user_message = user_message


class CorpusError(PlanqaError):
    """A source document is missing or malformed; ``document`` names it when one is to blame."""

    def __init__(self, message: str, user_message: str | None = None, document: str = "") -> None:
        super().__init__(message, user_message)
        self.document = document


class UnknownSectionError(PlanqaError, KeyError):
    """A citation ID names no place in the documents."""

    def __init__(self, section_id: str) -> None:
        shown = section_id if len(section_id) <= 40 else f"{section_id[:40]}…"  # never echo or log 100k characters
        super().__init__(
            f"unknown citation ID {shown!r}; list them with `planqa sections`",
            user_message=f"「{shown}」という箇所は見つかりませんでした。",
        )
        self.section_id = section_id

    def __str__(self) -> str:  # KeyError would add quotes
        return self.args[0]


class IndexNotFoundError(PlanqaError):
    """No index on disk."""


class IndexMismatchError(PlanqaError):
    """The index on disk was built from another corpus, embedder or chunker."""


class IndexCorruptError(PlanqaError):
    """Index files are missing, truncated or unreadable."""


class IndexLockedError(PlanqaError):
    """Another process is building the index."""


class EmbedderError(PlanqaError):
    """An embedding backend cannot be loaded."""


class InvalidQuestionError(PlanqaError, ValueError):
    """The question cannot be answered as given (empty, too long, unreadable)."""

    def __init__(self, message: str, user_message: str) -> None:
        super().__init__(message, user_message=user_message)


class LLMError(PlanqaError):
    """The LLM endpoint failed or timed out."""
