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


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A throwaway PostgreSQL on 127.0.0.1 (initdb + pg_ctl through `deploy/run start --replicas 0`, as the
    `postgres` user when run as root), stopped and deleted at the end; its URL. Fails, never skips, when
    PostgreSQL cannot start."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    run = [sys.executable, str(Path(__file__).resolve().parents[1] / "deploy" / "run")]
    run_dir = tmp_path_factory.mktemp("postgres")
    out = subprocess.run([*run, "start", "--replicas", "0", "--dir", str(run_dir)], capture_output=True, text=True,
                         timeout=120)
    if out.returncode != 0:
        pytest.fail("PostgreSQL could not start for the PostgreSQL tests (Debian: apt-get install -y postgresql):\n"
                    + out.stderr, pytrace=False)
    yield json.loads((run_dir / "state.json").read_text())["database_url"]
    subprocess.run([*run, "stop", "--dir", str(run_dir)], capture_output=True, timeout=60)
