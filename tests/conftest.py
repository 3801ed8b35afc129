"""Shared fixtures: the real corpus, the committed index and one loaded assistant per session."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="session")
def corpus():
    from planqa.corpus import load_corpus

    return load_corpus()


@pytest.fixture(scope="session")
def assistant():
    from planqa.answer import Assistant

    return Assistant.load()


@pytest.fixture(scope="session")
def table(corpus):
    from planqa.ministries import ministry_table

    return ministry_table(corpus)
