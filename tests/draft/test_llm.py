"""The optional language model, answered by a stand-in server on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

import tawazun
from tawazun.draft import draft
from tawazun.draft.llm import INSTRUCTIONS
from tawazun.errors import InvalidArgument

from .conftest import FIXTURES

ANSWER = {
    "stances": [
        {  # quoted verbatim: kept
            "actor": "الحزب الديمقراطي الكردستاني",
            "issue": "oil-exports",
            "band": "erbil-control",
            "salience": 80,
            "quote": "يجب أن يضمن للإقليم حق التعاقد مع الشركات الأجنبية",
        },
        {  # a paraphrase, not in the article: dropped
            "actor": "Turkey",
            "issue": "oil-exports",
            "band": "baghdad-control",
            "salience": 50,
            "quote": "تركيا تريد سيطرة بغداد",
        },
        {  # a band the issue does not have: dropped
            "actor": "واشنطن",
            "issue": "oil-exports",
            "band": "somewhere",
            "salience": 50,
            "quote": "واشنطن تدعم تسوية تفاوضية",
        },
        {  # an actor the articles never name: dropped
            "actor": "Russia",
            "issue": "oil-exports",
            "band": "negotiated-sharing",
            "salience": 30,
            "quote": "واشنطن تدعم تسوية تفاوضية",
        },
    ]
}


class StandIn(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (the http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StandIn.received.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        content = "```json\n" + json.dumps(ANSWER, ensure_ascii=False) + "\n```"
        reply = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(reply.encode("utf-8"))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_only_values_quoted_verbatim_are_kept(
    endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAWAZUN_LLM_KEY", "secret-from-env")
    StandIn.received.clear()
    article = FIXTURES / "kurdistan-oil-ar.txt"
    result = draft([article], tawazun.load(FIXTURES / "kurdistan-oil.yaml"), llm=endpoint)
    request = StandIn.received[-1]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer secret-from-env"
    assert INSTRUCTIONS in request["body"]["messages"][-1]["content"]
    kdp = result.scenario.actor("kdp").stances["oil-exports"]
    assert kdp.position == 82.5 and kdp.salience == 80
    evidence = kdp.evidence["position"]
    assert "language model" in evidence.rationale and evidence.draft
    text = article.read_text(encoding="utf-8")
    first = evidence.quotes[0]
    assert text[first.start : first.end] == "يجب أن يضمن للإقليم حق التعاقد مع الشركات الأجنبية"
    assert "russia" not in {a.id for a in result.scenario.actors}
    assert result.scenario.actor("turkey").stances["oil-exports"].position == 50  # offline kept
    assert any("1 value(s) kept, 3 dropped" in note for note in result.notes)


def test_an_unreachable_endpoint_is_a_clear_error() -> None:
    server = HTTPServer(("127.0.0.1", 0), StandIn)
    port = server.server_port
    server.server_close()  # nothing listens there now
    with pytest.raises(InvalidArgument, match="cannot reach"):
        draft(
            [FIXTURES / "kurdistan-oil-ar.txt"],
            tawazun.load(FIXTURES / "kurdistan-oil.yaml"),
            llm=f"http://127.0.0.1:{port}/v1",
        )
