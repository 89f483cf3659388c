"""The pages and the API on FastAPI's test client."""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
from collections import Counter
from types import SimpleNamespace

import pytest
import yaml

import tawazun
from tawazun.i18n import _, using
from tests.web.conftest import csrf_of, make_client, wait_for

PAGES = [
    "/",
    "/upload",
    "/runs",
    "/compare",
    "/compare/scenarios",
    "/scenarios/iraq-2024",
    "/scenarios/iraq-2024/edit",
]


def flagship_yaml(**changes: object) -> bytes:
    raw = tawazun.load("iraq-2024").model_dump(mode="json", exclude_none=True)
    raw.update(changes)
    return yaml.safe_dump(raw, allow_unicode=True).encode()


def upload(client, name: str, content: bytes):
    return client.post("/api/scenarios", files={"file": (name, content)})


class TestPages:
    @pytest.mark.parametrize("url", PAGES)
    def test_every_page_in_both_languages(self, client, url):
        english = client.get(url)
        arabic = client.get(url, params={"lang": "ar"})
        assert english.status_code == arabic.status_code == 200
        assert '<html lang="en" dir="ltr">' in english.text
        assert '<html lang="ar" dir="rtl">' in arabic.text
        # the switch to the other language is on every page
        assert 'id="lang-switch"' in english.text and "lang=ar" in english.text
        assert 'id="lang-switch"' in arabic.text and "lang=en" in arabic.text

    def test_the_language_chosen_is_remembered(self, client):
        client.get("/", params={"lang": "ar"})
        assert 'dir="rtl"' in client.get("/runs").text

    def test_plotly_is_served_from_the_package(self, client):
        response = client.get("/static/plotly.min.js")
        assert response.status_code == 200
        assert "plotly" in response.text[:2000].lower()

    def test_no_page_loads_anything_from_another_host(self, client):
        for url in [*PAGES, "/docs"]:
            text = client.get(url).text
            external = re.findall(r'(?:src|href)="(https?:)?//', text)
            assert not external, url

    def test_static_files_are_only_the_shipped_ones(self, client):
        assert client.get("/static/style.css").status_code == 200
        for name in ["..%2Fapp.py", "%2E%2E%2F%2E%2E%2Fpyproject.toml", "app.py"]:
            assert client.get(f"/static/{name}").status_code == 404

    def test_unknown_scenario_and_run_are_404(self, client):
        assert client.get("/scenarios/nope").status_code == 404
        assert client.get("/runs/nope").status_code == 404
        assert client.get("/api/runs/nope").status_code == 404
        assert client.get("/scenarios/..%2F..%2Fetc%2Fpasswd").status_code == 404


class TestUpload:
    def test_a_valid_file_joins_the_library(self, client):
        response = upload(client, "mine.yaml", flagship_yaml(id="mine"))
        assert response.status_code == 201
        key = response.json()["id"]
        listed = {s["id"]: s for s in client.get("/api/scenarios").json()}
        assert listed[key]["scenario"] == "mine" and listed[key]["origin"] == "uploaded"
        document = client.get(f"/api/scenarios/{key}").json()["document"]
        assert len(document["actors"]) == 16

    def test_problems_are_listed_and_nothing_is_stored(self, client):
        before = len(client.get("/api/scenarios").json())
        bad = flagship_yaml().replace(b"- capability: 100.0", b"- capability: -5", 1)
        response = upload(client, "bad.yaml", bad)
        assert response.status_code == 422
        problems = response.json()["problems"]
        assert any("capability" in p["field"] and p["where"] for p in problems)
        assert all(p["file"] == "bad.yaml" for p in problems)
        assert len(client.get("/api/scenarios").json()) == before

    def test_the_page_shows_each_problem_beside_its_line(self, client):
        bad = flagship_yaml().replace(b"- capability: 100.0", b"- capability: -5", 1)
        line = bad.decode().splitlines().index("- capability: -5") + 1
        response = client.post(
            "/upload", data={"csrf": csrf_of(client)}, files={"file": ("bad.yaml", bad)}
        )
        assert response.status_code == 422
        item = re.search(rf'<li class="bad" id="line-{line}">(.*?)</li>', response.text, re.S)
        assert item and "greater than or equal to 0" in item.group(1)

    def test_problems_are_in_the_page_language(self, client):
        response = client.post(
            "/upload?lang=ar", data={"csrf": csrf_of(client)}, files={"file": ("x.pdf", b"%PDF")}
        )
        assert response.status_code == 422
        assert 'dir="rtl"' in response.text
        assert "x.pdf" in response.text

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("empty.yaml", b"", "empty"),
            ("notes.pdf", b"%PDF-1.4", "reads no"),
            ("broken.yaml", b"id: [unclosed", ""),
            ("table.csv", b"a,b\n1,2\n", "missing required column"),
            ("book.xlsx", b"PK\x03\x04 not really", "zip archive"),
        ],
    )
    def test_hostile_and_broken_files_give_problems(self, client, name, content, message):
        response = upload(client, name, content)
        assert response.status_code == 422
        assert message in json.dumps(response.json())

    def test_a_path_in_the_file_name_goes_nowhere(self, client, tmp_path):
        response = upload(client, "../../../../tmp/evil.yaml", flagship_yaml(id="evil"))
        assert response.status_code == 201
        entry = [s for s in client.get("/api/scenarios").json() if s["id"] == response.json()["id"]]
        assert entry and not (tmp_path.parent / "evil.yaml").exists()

    def test_an_upload_over_the_limit_is_refused(self, tmp_path):
        with make_client(tmp_path / "r.sqlite", max_upload=1000) as small:
            response = upload(small, "big.yaml", flagship_yaml())
            assert response.status_code == 413
            assert "upload limit" in response.text
            assert len(small.get("/api/scenarios").json()) == 1

    def test_a_body_sent_without_its_length_stops_at_the_limit(self, tmp_path):
        def chunks():
            yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.yaml"\r\n\r\n'
            for _chunk in range(200):
                yield b"a" * 1000
            yield b"\r\n--x--\r\n"

        with make_client(tmp_path / "r.sqlite", max_upload=1000) as small:
            for url in ("/api/scenarios", "/upload"):
                response = small.post(
                    url,
                    content=chunks(),
                    headers={"content-type": "multipart/form-data; boundary=x"},
                )
                assert response.status_code == 413, url
                assert "upload limit" in response.text
            assert small.get("/").status_code == 200

    def test_a_zip_bomb_is_refused_unread(self, client):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 2**20))
        response = upload(client, "bomb.xlsx", buffer.getvalue())
        assert response.status_code == 422
        assert "uncompress to" in response.json()["problems"][0]["message"]

    def test_script_in_names_is_shown_as_text(self, client):
        raw = yaml.safe_load(flagship_yaml(id="xss"))
        raw["metadata"]["title"]["en"] = "<script>alert(1)</script>"
        raw["actors"][0]["name"]["en"] = '<img src=x onerror="alert(2)">'
        key = upload(client, "xss.yaml", yaml.safe_dump(raw).encode()).json()["id"]
        for url in ["/", f"/scenarios/{key}", f"/scenarios/{key}/edit"]:
            page = client.get(url).text
            assert "<script>alert(1)" not in page and "<img src=x" not in page
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        run = client.post("/api/runs", json={"scenario": key, "model": "eum"}).json()["run"]
        wait_for(client, run)
        page = client.get(f"/runs/{run}").text
        assert "<script>alert(1)" not in page and "<img src=x" not in page


class TestRuns:
    def test_forecast_document_is_the_cli_json(self, client):
        started = client.post("/api/runs", json={"scenario": "iraq-2024", "model": "median"})
        assert started.status_code == 202
        assert started.json()["status"] in ("queued", "running", "done")
        document = wait_for(client, started.json()["run"])
        assert document["status"] == "done" and document["progress"] == 1
        assert document["result"] == tawazun.load("iraq-2024").forecast("median").to_dict()

    def test_model_parameters_reach_the_model(self, client):
        run = client.post(
            "/api/runs",
            json={"scenario": "iraq-2024", "model": "eum", "parameters": {"rounds": 3}},
        ).json()["run"]
        result = wait_for(client, run)["result"]
        assert result["parameters"]["rounds"] == 3
        assert len(result["issues"][0]["trajectory"]) == 4

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"scenario": "nope"}, "scenario"),
            ({"scenario": "iraq-2024", "model": "nope"}, "model"),
            ({"scenario": "iraq-2024", "parameters": {"rounds": 3}}, "parameters"),
            ({"scenario": "iraq-2024", "command": "simulate", "options": {"runs": 0}}, "runs"),
            ({"scenario": "iraq-2024", "command": "whatif", "options": {"issue": "x"}}, "issue"),
            ({"scenario": "iraq-2024", "command": "dance"}, "command"),
            ({"model": "eum"}, "scenario"),
        ],
    )
    def test_bad_requests_are_422_with_problems(self, client, body, field):
        response = client.post("/api/runs", json=body)
        assert response.status_code == 422
        assert response.json()["problems"][0]["field"] == field

    def test_a_refusal_is_worded_in_the_language_of_the_page_that_started_the_run(self, client):
        body = {"scenario": "iraq-2024", "model": "smp", "parameters": {"voting_rule": "Nope"}}
        errors = {}
        for lang in ("en", "ar"):
            run = client.post("/api/runs", params={"lang": lang}, json=body).json()["run"]
            document = wait_for(client, run)
            assert document["status"] == "failed"
            errors[lang] = document["error"]
        assert "is not one of" in errors["en"]
        assert "is not one of" not in errors["ar"] and re.search("[\u0600-\u06ff]", errors["ar"])
        assert "Nope" in errors["ar"]

    def test_a_model_failure_is_a_message_and_the_server_goes_on(self, client, monkeypatch):
        run = client.post(
            "/api/runs",
            json={"scenario": "iraq-2024", "model": "eum", "parameters": {"variant": "nonsense"}},
        ).json()["run"]
        document = wait_for(client, run)
        assert document["status"] == "failed" and "unknown variant" in document["error"]
        assert "unknown variant" in client.get(f"/runs/{run}").text
        # a bug inside a model too

        def explode(job, scheduler, progress):
            raise RuntimeError("kernel exploded")

        monkeypatch.setattr("tawazun.web.jobs.execute", explode)
        run = client.post("/api/runs", json={"scenario": "iraq-2024", "model": "median"})
        failed = wait_for(client, run.json()["run"])
        monkeypatch.undo()
        assert failed["status"] == "failed" and "kernel exploded" in failed["error"]
        assert client.get("/").status_code == 200
        ok = client.post("/api/runs", json={"scenario": "iraq-2024", "model": "median"})
        assert wait_for(client, ok.json()["run"])["status"] == "done"

    @pytest.mark.parametrize(
        ("command", "options", "key"),
        [
            ("simulate", {"runs": 50, "seed": 3}, "uncertain_values"),
            ("pivotal", {}, "step"),
            ("shocks", {}, "events"),
            ("whatif", {"issue": "us-presence", "band": "full-withdrawal"}, "answer"),
        ],
    )
    def test_each_analysis_runs_and_shows(self, client, command, options, key):
        run = client.post(
            "/api/runs",
            json={"scenario": "iraq-2024", "command": command, "options": options},
        ).json()["run"]
        document = wait_for(client, run)
        assert document["status"] == "done", document.get("error")
        assert key in document["result"]
        for lang in ("en", "ar"):
            assert client.get(f"/runs/{run}", params={"lang": lang}).status_code == 200
        assert client.get(f"/runs/{run}/download.json").json() == document["result"]
        workbook = client.get(f"/runs/{run}/download.xlsx")
        assert workbook.status_code == 200 and workbook.content[:2] == b"PK"

    def test_simulation_matches_the_library_and_reports_progress(self, client):
        from tawazun.analysis.simulate import simulate

        run = client.post(
            "/api/runs",
            json={"scenario": "iraq-2024", "command": "simulate", "options": {"runs": 40}},
        ).json()["run"]
        document = wait_for(client, run)
        expected = simulate(tawazun.load("iraq-2024"), "compromise", 40, 0).to_dict()
        assert document["progress"] == 1
        assert [i["bands"] for i in document["result"]["issues"]] == [
            i["bands"] for i in expected["issues"]
        ]

    def test_a_run_from_the_page_form(self, client):
        csrf = csrf_of(client, "/scenarios/iraq-2024")
        response = client.post(
            "/scenarios/iraq-2024/run",
            data={"csrf": csrf, "command": "forecast", "model": "eum", "eum.rounds": "4"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        run = response.headers["location"].rsplit("/", 1)[1]
        document = wait_for(client, run)
        assert document["parameters"] == {"rounds": 4}
        page = client.get(f"/runs/{run}").text
        assert "forecast-value" in page

    def test_a_bad_parameter_in_the_form_is_shown(self, client):
        csrf = csrf_of(client, "/scenarios/iraq-2024")
        response = client.post(
            "/scenarios/iraq-2024/run",
            data={"csrf": csrf, "command": "forecast", "model": "eum", "eum.rounds": "many"},
        )
        assert response.status_code == 422
        assert "rounds" in response.text and "whole number" in response.text


class TestSecurity:
    def test_forms_without_the_csrf_token_are_refused(self, client):
        for url, data in [
            ("/upload", {}),
            ("/scenarios/iraq-2024/run", {"command": "forecast"}),
            ("/scenarios/iraq-2024/edit", {"actors[usa].capability": "1"}),
        ]:
            response = client.post(url, data=data | {"csrf": "forged"})
            assert response.status_code == 403, url
        assert len(client.get("/api/scenarios").json()) == 1
        assert client.get("/api/runs").json() == []

    def test_requests_from_another_site_are_refused(self, client):
        response = client.post(
            "/api/runs",
            json={"scenario": "iraq-2024"},
            headers={"Origin": "http://evil.example"},
        )
        assert response.status_code == 403
        response = client.post(
            "/api/scenarios",
            files={"file": ("a.yaml", flagship_yaml())},
            headers={"Sec-Fetch-Site": "cross-site"},
        )
        assert response.status_code == 403

    def test_loopback_server_refuses_other_host_names(self, client):
        assert client.get("/", headers={"Host": "attacker.example"}).status_code == 421
        assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
        assert client.get("/", headers={"Host": "[::1]:8000"}).status_code == 200

    def test_beyond_loopback_a_token_is_required(self, tmp_path):
        with make_client(tmp_path / "r.sqlite", loopback=False, token="s3cret") as remote:
            assert remote.get("/").status_code == 401
            assert remote.get("/api/scenarios").status_code == 401
            assert remote.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
            ok = remote.get("/api/scenarios", headers={"Authorization": "Bearer s3cret"})
            assert ok.status_code == 200
            # the link the server prints: the token moves into a cookie
            first = remote.get("/runs?token=s3cret&lang=ar&x=a%26b", follow_redirects=False)
            assert first.status_code == 303
            assert first.headers["location"] == "/runs?lang=ar&x=a%26b"
            assert remote.get("/").status_code == 200

    def test_no_token_beyond_loopback_is_refused_at_start(self, tmp_path):
        from tawazun.web import Settings, create_app

        with pytest.raises(ValueError, match="token"):
            create_app(Settings(loopback=False, store_url=f"sqlite:///{tmp_path}/r.sqlite"))


def made_report(client) -> dict:
    """A report run of the flagship (20 runs), once it is done."""
    run = client.post(
        "/api/runs",
        json={"scenario": "iraq-2024", "command": "report", "options": {"runs": 20}},
    ).json()["run"]
    document = wait_for(client, run, timeout=300)
    assert document["status"] == "done", document.get("error")
    return document


def without_chart_ids(page: str) -> str:
    """A page with plotly's random ids of its chart divs made equal."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID", page)


class TestStore:
    def test_runs_and_uploads_outlive_the_server(self, store_url):
        with make_client(store_url) as first:
            key = upload(first, "mine.yaml", flagship_yaml(id="mine")).json()["id"]
            run = first.post("/api/runs", json={"scenario": key, "model": "eum"}).json()["run"]
            done = wait_for(first, run)
        stored = done["stored_as"]
        with make_client(store_url) as second:
            assert key in {s["id"] for s in second.get("/api/scenarios").json()}
            again = second.get(f"/api/runs/{stored}").json()
            assert again["status"] == "done" and again["result"] == done["result"]
            page = second.get(f"/runs/{stored}", params={"lang": "ar"})
            assert page.status_code == 200 and 'class="forecast-value"' in page.text
            assert second.get("/runs").text.count(stored) >= 1

    def test_an_edit_keeps_its_lineage_after_a_restart(self, store_url):
        with make_client(store_url) as first:
            csrf = csrf_of(first, "/scenarios/iraq-2024/edit")
            response = first.post(
                "/scenarios/iraq-2024/edit",
                data={"csrf": csrf, TestEditing.FIELD: "5"},
                follow_redirects=False,
            )
            key = response.headers["location"].rsplit("/", 1)[1]
            runs = [
                first.post("/api/runs", json={"scenario": s, "model": "median"}).json()["run"]
                for s in ("iraq-2024", key)
            ]
            stored = [wait_for(first, run)["stored_as"] for run in runs]
        with make_client(store_url) as second:
            page = second.get(f"/scenarios/{key}", params={"lang": "en"}).text
            assert "an edit of" in page and 'href="/scenarios/iraq-2024"' in page
            compare = second.get(
                "/compare", params={"a": stored[0], "b": stored[1], "lang": "ar"}
            ).text
            versions = compare.split('id="compare-versions"', 1)[1].split("</dl>", 1)[0]
            with using("ar"):
                arabic = _("an edit of")
            assert arabic != "an edit of" and arabic in versions
            assert f'href="/scenarios/{key}"' in versions

    def test_a_report_outlives_the_server_and_downloads_the_same(self, store_url):
        with make_client(store_url) as first:
            done = made_report(first)
            run = done["run"]
            made = first.get(f"/runs/{run}/report.html", params={"lang": "ar"}).text
        stored = done["stored_as"]
        with make_client(store_url) as second:
            page = second.get(f"/runs/{stored}", params={"lang": "en"}).text
            assert f"/runs/{stored}/report.pdf?lang=en" in page
            again = second.get(f"/runs/{stored}/report.html", params={"lang": "ar"})
            assert again.status_code == 200
            assert without_chart_ids(again.text) == without_chart_ids(made)

    def test_a_report_made_again_keeps_only_its_own_requests_waiting(self, tmp_path, monkeypatch):
        from tawazun.web import app as web_app

        started, release, made = threading.Event(), threading.Event(), Counter()

        def remade(job):
            made[job.id] += 1
            if job.id == "slow":
                started.set()
                release.wait(60)
            return f"findings of {job.id}"

        monkeypatch.setattr(web_app, "report_findings", remade)
        with make_client(tmp_path / "runs.sqlite") as client:
            bench = client.app.state.bench
            slow = [SimpleNamespace(id="slow", outcome=None) for _ in range(2)]
            waiting = [threading.Thread(target=bench.findings, args=(job,)) for job in slow]
            for thread in waiting:
                thread.start()
            assert started.wait(60)
            # another report, asked for while the slow one is being made, does not wait
            other = SimpleNamespace(id="other", outcome=None)
            asked = threading.Thread(target=bench.findings, args=(other,))
            asked.start()
            asked.join(10)
            finished_meanwhile = not asked.is_alive()
            release.set()
            for thread in [*waiting, asked]:
                thread.join(60)
        assert finished_meanwhile and other.outcome == "findings of other"
        assert [job.outcome for job in slow] == ["findings of slow"] * 2
        assert made == {"slow": 1, "other": 1}  # the two requests for one report made it once


class TestCharts:
    def test_forecast_draws_scale_and_trajectory_in_the_page_language(self, client):
        run = client.post("/api/runs", json={"scenario": "iraq-2024", "model": "eum"}).json()
        wait_for(client, run["run"])
        english = client.get(f"/runs/{run['run']}").text
        arabic = client.get(f"/runs/{run['run']}", params={"lang": "ar"}).text
        assert '<script src="/static/plotly.min.js"></script>' in english
        assert english.count("Plotly.newPlot") == arabic.count("Plotly.newPlot") == 4
        assert "positions round by round" in english
        assert "positions round by round" not in arabic
        with using("ar"):
            title = _("{issue}: positions round by round ({model})")
        # the title's Arabic words, as plotly writes them: escaped by its json engine,
        # unescaped by orjson's (which plotly takes when it is installed)
        words = max(re.findall("[\u0600-\u06ff][\u0600-\u06ff ]*", title), key=len)
        assert len(words) > 5 and (json.dumps(words)[1:-1] in arabic or words in arabic)

    def test_names_with_markup_stay_text_in_figures(self, client):
        raw = yaml.safe_load(flagship_yaml(id="xss2"))
        raw["actors"][0]["name"]["en"] = "</script><script>alert(3)</script>"
        key = upload(client, "x.yaml", yaml.safe_dump(raw).encode()).json()["id"]
        run = client.post("/api/runs", json={"scenario": key, "model": "eum"}).json()["run"]
        wait_for(client, run)
        assert "<script>alert(3)" not in client.get(f"/runs/{run}").text


class TestEditing:
    FIELD = "actors[us].stances[us-presence].salience"

    def test_a_wrong_value_is_reported_beside_its_input(self, client):
        csrf = csrf_of(client, "/scenarios/iraq-2024/edit")
        checked = client.post(
            "/scenarios/iraq-2024/check", data={"csrf": csrf, self.FIELD: "500"}
        ).json()["problems"]
        assert list(checked) == [self.FIELD] and "100" in checked[self.FIELD][0]
        fine = client.post("/scenarios/iraq-2024/check", data={"csrf": csrf, self.FIELD: "5"})
        assert fine.json()["problems"] == {}
        words = client.post(
            "/scenarios/iraq-2024/check", data={"csrf": csrf, "actors[us].capability": "lots"}
        ).json()["problems"]
        assert list(words) == ["actors[us].capability"]

    def test_saving_makes_a_new_version_and_keeps_the_old(self, client):
        csrf = csrf_of(client, "/scenarios/iraq-2024/edit")
        response = client.post(
            "/scenarios/iraq-2024/edit",
            data={
                "csrf": csrf,
                self.FIELD: "5",
                "actors[us].stances[us-presence].evidence.salience.rationale": "Election year",
                "actors[us].stances[us-presence].evidence.salience.sources": "A\nB",
            },
            follow_redirects=False,
        )
        assert response.status_code == 303
        key = response.headers["location"].rsplit("/", 1)[1]
        new = tawazun.Scenario.model_validate(
            client.get(f"/api/scenarios/{key}").json()["document"]
        )
        stance = new.actor("us").stances["us-presence"]
        assert stance.salience == 5
        assert stance.evidence["salience"].rationale == "Election year"
        assert stance.evidence["salience"].sources == ["A", "B"]
        old = client.get("/api/scenarios/iraq-2024").json()["document"]
        assert tawazun.Scenario.model_validate(old) == tawazun.load("iraq-2024")
        listed = {s["id"]: s for s in client.get("/api/scenarios").json()}
        assert listed[key]["version"] == 2 and listed[key]["origin"] == "edited"
        diff = client.get("/compare/scenarios", params={"a": "iraq-2024", "b": key}).text
        assert diff.count('class="differs"') == 2  # the salience and its evidence

    def test_add_and_remove_actors(self, client):
        csrf = csrf_of(client, "/scenarios/iraq-2024/edit")
        response = client.post(
            "/scenarios/iraq-2024/edit",
            data={
                "csrf": csrf,
                "remove": "turkey",
                "new.id": "un",
                "new.name.en": "United Nations",
                "new.name.ar": "الأمم المتحدة",
                "new.capability": "10",
                "new.stances[us-presence].position": "40",
                "new.stances[us-presence].salience": "20",
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text[:500]
        key = response.headers["location"].rsplit("/", 1)[1]
        document = client.get(f"/api/scenarios/{key}").json()["document"]
        ids = [a["id"] for a in document["actors"]]
        assert "turkey" not in ids and ids[-1] == "un"
        stances = document["actors"][-1]["stances"]
        assert list(stances) == ["us-presence"]
        assert (stances["us-presence"]["position"], stances["us-presence"]["salience"]) == (40, 20)

    def test_removing_an_actor_an_event_names_is_a_problem(self, client):
        csrf = csrf_of(client, "/scenarios/iraq-2024/edit")
        problems = client.post(
            "/scenarios/iraq-2024/check", data={"csrf": csrf, "remove": "isis"}
        ).json()["problems"]
        assert any("unknown actor 'isis'" in m for ms in problems.values() for m in ms)

    def test_a_new_actor_under_a_taken_id_is_flagged_on_its_own_row(self, client):
        csrf = csrf_of(client, "/scenarios/iraq-2024/edit")
        problems = client.post(
            "/scenarios/iraq-2024/check",
            data={"csrf": csrf, "new.id": "us", "new.name.en": "Again", "new.capability": "1"},
        ).json()["problems"]
        assert "new.id" in problems and "duplicate" in problems["new.id"][0]

    def test_a_new_actor_with_problems_is_not_saved(self, client):
        csrf = csrf_of(client, "/scenarios/iraq-2024/edit")
        before = len(client.get("/api/scenarios").json())
        response = client.post(
            "/scenarios/iraq-2024/edit",
            data={"csrf": csrf, "new.id": "un", "new.name.en": "UN", "new.capability": "-1"},
        )
        assert response.status_code == 422
        assert re.search(r'data-for="new.capability" role="alert">[^<]+', response.text)
        assert len(client.get("/api/scenarios").json()) == before


class TestCompareAndDownload:
    def test_two_runs_side_by_side_with_differences_marked(self, client):
        runs = [
            client.post("/api/runs", json={"scenario": "iraq-2024", "model": m}).json()["run"]
            for m in ("median", "eum")
        ]
        for run in runs:
            wait_for(client, run)
        page = client.get("/compare", params={"a": runs[0], "b": runs[1]})
        assert page.status_code == 200
        table = re.search(r'<table class="list compare".*?</table>', page.text, re.S).group(0)
        assert table.count("<tr") == 3 and 'class="differs"' in table
        same = client.get("/compare", params={"a": runs[0], "b": runs[0], "lang": "ar"}).text
        table = re.search(r'<table class="list compare".*?</table>', same, re.S).group(0)
        assert 'class="differs"' not in table

    @pytest.mark.parametrize("fmt", ["yaml", "xlsx", "json"])
    def test_a_scenario_downloads_and_reads_back(self, client, tmp_path, fmt):
        response = client.get(f"/scenarios/iraq-2024/download.{fmt}")
        assert response.status_code == 200
        assert "iraq-2024-v1" in response.headers["content-disposition"]
        path = tmp_path / f"back.{fmt}"
        path.write_bytes(response.content)
        back = tawazun.load(path)
        assert (
            back.forecast("median").forecasts
            == tawazun.load("iraq-2024").forecast("median").forecasts
        )

    def test_unknown_download_formats_are_404(self, client):
        assert client.get("/scenarios/iraq-2024/download.exe").status_code == 404
        assert client.get("/runs/nope/download.json").status_code == 404


def test_a_missing_run_or_scenario_is_a_404_in_the_page_language(client):
    from tawazun.web.pages import NO_RUN, NO_SCENARIO

    for url, message in (("/runs/nope", NO_RUN), ("/scenarios/nope", NO_SCENARIO)):
        page = client.get(url, params={"lang": "ar"})
        with using("ar"):
            arabic = _(message)
        assert page.status_code == 404 and arabic != message and arabic in page.text


class TestReport:
    def test_a_report_is_made_and_downloads_in_both_languages(self, client):
        document = made_report(client)
        run = document["run"]
        assert document["result"]["models"] == ["compromise"]
        page = client.get(f"/runs/{run}", params={"lang": "ar"}).text
        assert f"/runs/{run}/report.pdf?lang=ar" in page
        english = client.get(f"/runs/{run}/report.html", params={"lang": "en"})
        arabic = client.get(f"/runs/{run}/report.html", params={"lang": "ar"})
        assert english.status_code == arabic.status_code == 200
        assert 'dir="rtl"' in arabic.text and 'dir="rtl"' not in english.text[:500]
        assert client.get(f"/runs/{run}/download.json").status_code == 404
