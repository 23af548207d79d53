"""``mamori find --push``: what leaves the machine (facts only), batches with stable ids, errors as exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from mamori.models import ItemResult, Location, Sample, ScanSummary, Status
from mamori.report.find import push


class _Guard(BaseHTTPRequestHandler):
    bodies: ClassVar[list[dict[str, Any]]] = []
    fail_first = 0

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).bodies.append(body | {"auth": self.headers["Authorization"], "url": self.path})
        if type(self).fail_first > 0:
            type(self).fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"batch": body["batch"], "items": len(body["items"])}).encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def guard() -> Iterator[str]:
    _Guard.bodies = []
    _Guard.fail_first = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Guard)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def result(path: str) -> ItemResult:
    return ItemResult(path=path, status=Status.OK, size=10, sha256="ab" * 32, pii=True, categories=("name",),
                      persons=2, samples=(Sample("name", "山田 太●", Location(row=2)),),
                      person_keys=((b"k1",), (b"k2",)), mtime=1_700_000_000.0, owner="yamada")


def test_only_facts_leave_and_batches_have_stable_ids(guard: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(push, "BATCH_ITEMS", 2)
    _Guard.fail_first = 1  # the first try fails: the same batch id is sent again
    pusher = push.Pusher(push.endpoint_url(guard), "mrs_t", ("share",))
    for name in ("a.csv", "a.zip", "a.zip!inner.csv", "b.csv"):
        pusher.add(result(f"share/{name}"))
    pusher.finish(ScanSummary(4, 4, 0, 3, 0.1, 40))
    sent = _Guard.bodies
    assert [b["batch"] for b in sent] == [f"{pusher.run_id}-000000"] * 2 + [f"{pusher.run_id}-000001"]
    assert sent[0]["url"] == "/api/register/scans" and sent[0]["auth"] == "Bearer mrs_t"
    assert [b["final"] for b in sent[1:]] == [False, True]
    paths = [i["path"] for b in sent[1:] for i in b["items"]]
    assert paths == ["share/a.csv", "share/a.zip", "share/b.csv"]  # members are covered by their archive
    text = json.dumps(sent, ensure_ascii=False)
    assert "山田" not in text and "samples" not in text and "sha256" not in text
    assert set(sent[1]["items"][0]) == {"path", "status", "pii", "categories", "persons", "special_care", "size",
                                        "mtime", "owner"}


@pytest.mark.parametrize("url", ["guard.example", "ftp://guard"])
def test_push_url_must_be_http(url: str) -> None:
    with pytest.raises(push.ConfigError):
        push.endpoint_url(url)


def test_unreachable_guard_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("山田 太郎 090-1234-5678\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mamori", "find", str(tmp_path), "--push", "http://127.0.0.1:9/",
                           "--token", "mrs_x", "--no-progress"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "could not be sent" in done.stderr
    missing = subprocess.run([sys.executable, "-m", "mamori", "find", str(tmp_path), "--push", "http://127.0.0.1:9/"],
                             capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin"})
    assert missing.returncode == 2 and "--token" in missing.stderr
