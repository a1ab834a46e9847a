"""Fixtures shared by every app's tests."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from ml import predictor


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (throttle counters included)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_accounts_listener(monkeypatch):
    """On PostgreSQL a worker keeps tokens while a listener hears of every change
    (predictions.token_cache), but a test's transaction is rolled back, never
    committed, so nothing it changes would be heard: only the listener's own
    tests (predictions/tests/test_token_cache_pg.py) turn it on."""
    from predictions import token_cache

    monkeypatch.setattr(token_cache, "LISTEN", False)


@pytest.fixture(scope="session")
def trained_store(tmp_path_factory) -> Path:
    """An artifact store holding one model trained on the bundled dataset."""
    from ml.services import artifact_train

    store = tmp_path_factory.mktemp("artifacts")
    trained = artifact_train(data=settings.ML_DEFAULT_DATASET, store=store)
    store.joinpath("VERSION").write_text(trained.manifest["version"])
    return store


@pytest.fixture
def artifact_dir(settings, trained_store, tmp_path) -> Path:
    """A private copy of the trained store, set as ML_ARTIFACT_DIR for one test."""
    import shutil

    store = tmp_path / "artifacts"
    shutil.copytree(trained_store, store)
    settings.ML_ARTIFACT_DIR = store
    return store


@pytest.fixture
def active_model(db, artifact_dir):
    """The bundled-data model, registered and active, with a fresh predictor cache."""
    from ml.registry import model_version_activate, model_version_register

    version = (artifact_dir / "VERSION").read_text()
    model_version_register(folder=artifact_dir / version, trained_by="tests")
    row = model_version_activate(version=version, reason="tests")
    predictor.clear_cache()
    yield row
    predictor.clear_cache()


@pytest.fixture(scope="session")
def static_collected() -> None:
    """The static files and their manifest, which production's pages link to
    (``make serve`` collects them): once per session, for every live stack."""
    import subprocess
    import sys

    from drugsite.tests.live import BASE

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=BASE,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "collect-" + "k" * 50,
        },
        check=True,
        timeout=300,
    )


@pytest.fixture
def live_stack(tmp_path, trained_store, static_collected):
    """A factory of running production stacks (drugsite.serve), stopped after."""
    from drugsite.tests.live import LiveStack

    started = []

    def start(**kwargs) -> LiveStack:
        workdir = tmp_path / f"stack{len(started)}"
        workdir.mkdir()
        stack = LiveStack(workdir=workdir, store=trained_store, **kwargs)
        started.append(stack)
        return stack.start()

    yield start
    for stack in started:
        stack.close()


@pytest.fixture
def redis_server(tmp_path):
    """A Redis of this test's own on a spare port, to stop or freeze (never the
    shared one on 6379)."""
    from drugsite.tests.redis_server import RedisServer

    server = RedisServer(workdir=tmp_path / "redis").start()
    yield server
    server.close()


@pytest.fixture
def browser():
    """Debian's Chromium, started for one test (screenshots in .ci-artifacts/)."""
    from drugsite.tests.browser import chromium_session

    yield from chromium_session()
