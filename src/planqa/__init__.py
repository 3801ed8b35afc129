"""planqa: grounded question answering over Japan's AI Basic Plan outline and the AI Act.

    >>> from planqa import Assistant
    >>> Assistant.load().ask("AI法に罰則はある？").answer

Heavy modules load on first use, so `import planqa` stays cheap.
"""

from importlib import import_module

__version__ = "0.1.0"
__all__ = ["Assistant", "Answer", "Citation", "AnswerConfig", "load_corpus", "ministry_table", "build_index",
           "load_index", "get_embedder", "PlanqaError"]

_HOMES = {"Assistant": "answer", "AnswerConfig": "answer", "Answer": "results", "Citation": "results",
          "load_corpus": "corpus", "ministry_table": "ministries", "build_index": "index", "load_index": "index",
          "get_embedder": "embed", "PlanqaError": "errors"}


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module 'planqa' has no attribute {name!r}")
