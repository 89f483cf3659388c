"""Fixtures of the web tests: an app on the test client, and a real server on loopback."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tawazun.web import Settings, create_app


def make_client(store: Path | str, **settings: Any) -> TestClient:
    """A test client of an app whose runs store is the SQLite file ``store``, or the URL."""
    url = store if isinstance(store, str) else f"sqlite:///{store}"
    return TestClient(create_app(Settings(store_url=url, **settings)))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path / "runs.sqlite") as test_client:
        yield test_client


def csrf_of(client: TestClient, url: str = "/upload") -> str:
    """The CSRF token a page's forms carry (the page also sets the matching cookie)."""
    page = client.get(url)
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, f"no CSRF field on {url}"
    return match.group(1)


def wait_for(client: Any, run: str, timeout: float = 120) -> dict[str, Any]:
    """The run's document once it is done or failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        document = client.get(f"/api/runs/{run}").json()
        if document["status"] in ("done", "failed"):
            return document
        time.sleep(0.1)
    raise AssertionError(f"run {run} still {document['status']} after {timeout} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A uvicorn server on a free loopback port, in this process; its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        create_app(Settings(store_url=f"sqlite:///{tmp_path_factory.mktemp('store')}/runs.sqlite")),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)
