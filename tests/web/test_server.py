"""The server as deployed: uvicorn on loopback, many clients at once, a Dask cluster,
and ``tawazun serve``."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest
from typer.testing import CliRunner

import tawazun
from tawazun.cli import app
from tests.web.conftest import make_client, wait_for

CONCURRENT = 50


def test_fifty_concurrent_runs_all_complete_and_stay_retrievable(server):
    models = ["compromise", "median", "eum", "exchange", "smp"]
    bodies = [
        {
            "scenario": "iraq-2024",
            "model": models[k % len(models)],
            "parameters": {"rounds": 2 + k % 5} if models[k % len(models)] == "eum" else {},
        }
        for k in range(CONCURRENT)
    ]

    def start(body):
        with httpx2.Client(base_url=server, timeout=60) as client:
            response = client.post("/api/runs", json=body)
            response.raise_for_status()
            return response.json()["run"]

    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        runs = list(pool.map(start, bodies))
    assert len(set(runs)) == CONCURRENT
    with httpx2.Client(base_url=server, timeout=60) as client:
        documents = [wait_for(client, run, timeout=600) for run in runs]
        assert [d["status"] for d in documents] == ["done"] * CONCURRENT
        scenario = tawazun.load("iraq-2024")
        for body, document in zip(bodies, documents, strict=True):
            expected = scenario.forecast(body["model"], **body["parameters"]).forecasts
            got = {i["issue"]: i["forecast"] for i in document["result"]["issues"]}
            assert got == pytest.approx(expected)
        # and afterwards, each is still there, and kept in the store
        for run, document in zip(runs, documents, strict=True):
            again = client.get(f"/api/runs/{run}").json()
            assert again["result"] == document["result"]
            stored = client.get(f"/api/runs/{document['stored_as']}").json()
            assert stored["result"] == document["result"]


def test_simulations_run_on_a_dask_cluster_given_by_address(tmp_path):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=False,
            protocol="tcp",
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        make_client(tmp_path / "runs.sqlite", scheduler=cluster.scheduler_address) as client,
    ):
        run = client.post(
            "/api/runs",
            json={"scenario": "iraq-2024", "command": "simulate", "options": {"runs": 30}},
        ).json()["run"]
        document = wait_for(client, run)
    assert document["status"] == "done", document.get("error")
    assert document["result"]["execution"]["where"] == cluster.scheduler_address


class TestServeCommand:
    def run(self, monkeypatch, *arguments):
        import uvicorn

        started = {}
        monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
        result = CliRunner().invoke(app, ["serve", *arguments])
        return result, started

    def test_loopback_by_default(self, monkeypatch, tmp_path):
        result, started = self.run(monkeypatch, "--store", f"sqlite:///{tmp_path}/s.sqlite")
        assert result.exit_code == 0, result.output
        assert started["host"] == "127.0.0.1" and started["port"] == 8000
        assert "?token=" not in result.output

    def test_beyond_loopback_a_token_is_made_and_printed(self, monkeypatch, tmp_path):
        monkeypatch.delenv("TAWAZUN_TOKEN", raising=False)
        result, started = self.run(
            monkeypatch, "--host", "0.0.0.0", "--store", f"sqlite:///{tmp_path}/s.sqlite"
        )
        assert result.exit_code == 0, result.output
        assert "?token=" in result.output
        token = result.output.split("?token=")[1].split()[0]
        with make_client(tmp_path / "s.sqlite", loopback=False, token=token) as client:
            assert client.get("/").status_code == 401
            assert client.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    def test_the_token_from_the_environment(self, monkeypatch, tmp_path):
        monkeypatch.setenv("TAWAZUN_TOKEN", "from-env")
        result, started = self.run(
            monkeypatch, "--host", "0.0.0.0", "--store", f"sqlite:///{tmp_path}/s.sqlite"
        )
        assert "?token=from-env" in result.output

    def test_a_bad_store_is_one_line_and_exit_2(self, monkeypatch, tmp_path):
        (tmp_path / "not-a-db.sqlite").write_text("hello")
        result, started = self.run(monkeypatch, "--store", f"sqlite:///{tmp_path}/not-a-db.sqlite")
        assert result.exit_code == 2 and not started
        assert "Traceback" not in result.output
