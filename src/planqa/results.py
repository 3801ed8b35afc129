"""What the answer stage returns: frozen values that reach the CLI, the app and the eval intact."""

from __future__ import annotations

from dataclasses import dataclass

from .retrieve import Hit

__all__ = ["Citation", "Line", "Answer", "plain", "json_safe"]


@dataclass(frozen=True)
class Citation:
    """A cited place: SPEC §2 ID, its label and its text."""

    id: str
    label: str
    text: str

    def to_json(self) -> dict:
        return {"id": self.id, "label": self.label, "text": self.text}


@dataclass(frozen=True)
class Line:
    """One line of an answer: its words and the places that back them, as (citation ID, label) pairs.

    Surfaces link each place by its ID; the text form shows it as ``[label]`` after the words."""

    text: str
    places: tuple[tuple[str, str], ...] = ()

    @classmethod
    def at(cls, text: str, place) -> "Line":
        """``text`` backed by ``place`` (anything with ``id`` and ``label``: a section, a measure, a citation)."""
        return cls(text, ((place.id, place.label),))

    def render(self) -> str:
        return self.text + "、".join(f"[{label}]" for _, label in self.places)


def plain(text: str) -> tuple[Line, ...]:
    """Lines no place backs (a decline, a notice), one per line of ``text``."""
    return tuple(Line(t) for t in text.splitlines())


@dataclass(frozen=True)
class Answer:
    """What `planqa ask --json` prints (SPEC §5), plus the route taken. Its sentences are ``lines``;
    ``answer`` is their text form, each line followed by the labels of its places."""

    lines: tuple[Line, ...]
    abstained: bool
    citations: tuple[Citation, ...]
    retrieved: tuple[Hit, ...]
    latency_ms: float
    route: str = "general"
    question: str = ""

    @property
    def answer(self) -> str:
        return "\n".join(line.render() for line in self.lines)

    def to_json(self) -> dict:
        return {"answer": self.answer, "abstained": self.abstained,
                "citations": [c.to_json() for c in self.citations],
                "retrieved": [h.to_json() for h in self.retrieved[:10]],
                "latency_ms": round(self.latency_ms, 2)}


def json_safe(obj):
    """``obj`` with NaN (a figure with nothing to average) as None, so strict JSON parsers read it as null."""
    if isinstance(obj, float) and obj != obj:
        return None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    return obj
