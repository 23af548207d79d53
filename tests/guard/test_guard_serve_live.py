"""A real `mamori guard serve` under slow clients and a large upload: /healthz keeps answering while 50 POSTs
trickle their bodies, and 200 MB is accepted, scanned by the background worker and shown with progress."""

from __future__ import annotations

import os
import re
import signal
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from guard_live import Live, start

from mamori.synth.documents import make_document
from mamori.synth.render.base import render
from mamori.synth.residents import generate_residents

SLOW_CLIENTS = 50


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with start(tmp_path_factory.mktemp("serve-live"), departments=1) as live:
        yield live


def _slow_post(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(f"POST /login/ HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 "Content-Length: 100000\r\n\r\nusername=".encode())
    return sock


def _unanswered(sock: socket.socket) -> bool:
    """True while the server has neither answered nor closed: it is still waiting for the body."""
    sock.setblocking(False)
    try:
        sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def test_healthz_answers_while_50_slow_posts_are_open(served: Live) -> None:
    slow = [_slow_post(served.url) for _ in range(SLOW_CLIENTS)]
    try:
        for round_ in range(3):  # a byte each, a few times: the bodies are on their way, never complete
            for sock in slow:
                sock.sendall(b"abc"[round_ : round_ + 1])
            time.sleep(0.3)
        started = time.monotonic()
        with urllib.request.urlopen(f"{served.url}/healthz", timeout=30) as answer:
            status, body = answer.status, answer.read()
        latency = time.monotonic() - started
        print(f"/healthz with {SLOW_CLIENTS} slow POSTs open: {latency * 1000:.0f} ms")
        assert status == 200 and b'"database": "ok"' in body
        assert sum(_unanswered(sock) for sock in slow) == SLOW_CLIENTS
        login = requests.get(f"{served.url}/login/", timeout=30)
        assert login.status_code == 200  # and the page under attack still serves others
    finally:
        for sock in slow:
            sock.close()


def _logged_in(live: Live, name: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{live.url}/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    answer = session.post(f"{live.url}/login/", data={"username": name, "password": live.user(name)["password"],
                                                      "csrfmiddlewaretoken": token.group(1)},
                          headers={"Referer": f"{live.url}/login/"}, timeout=30, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:500]
    return session


def _big_csv(path: Path, size: int) -> None:
    """A resident list of `size` bytes: one synthetic block, repeated (the scan sees every row)."""
    people = generate_residents(2005, 7)
    block = render(make_document("resident_list", people, rows=2000, seed=7), "csv", "utf-8")
    header, _, rows = block.partition(b"\n")
    with path.open("wb") as out:
        out.write(header + b"\n")
        while out.tell() < size:
            out.write(rows)


def _multipart(path: Path, fields: dict[str, str], upload: Path, boundary: str) -> None:
    with path.open("wb") as out:
        for name, value in fields.items():
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="住民名簿.csv"\r\n'
                  "Content-Type: text/csv\r\n\r\n".encode())
        with upload.open("rb") as source:
            while chunk := source.read(1 << 20):
                out.write(chunk)
        out.write(f"\r\n--{boundary}--\r\n".encode())


@pytest.mark.slow
def test_200_mb_upload_is_scanned_in_the_background_with_progress(served: Live, tmp_path: Path) -> None:
    staff = served.cast["departments"][0]["staff"]
    session = _logged_in(served, staff)
    page = session.get(f"{served.url}/requests/new/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    csv_path, body_path = tmp_path / "big.csv", tmp_path / "body.bin"
    _big_csv(csv_path, 200 * 1024 * 1024)
    boundary = "mamori-test-boundary-7f3a"
    _multipart(body_path, {"csrfmiddlewaretoken": token.group(1), "medium": str(served.cast["departments"][0]["medium"]),
                           "purpose": "大容量の名簿の持出し", "recipient": "〇〇センター",
                           "expires_at": time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() + 86400))},
               csv_path, boundary)
    csv_path.unlink()
    with body_path.open("rb") as body:
        answer = session.post(f"{served.url}/requests/new/", data=body, timeout=600, allow_redirects=False,
                              headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                       "Referer": f"{served.url}/requests/new/"})
    assert answer.status_code == 302, answer.text[:500]
    detail = f"{served.url}{answer.headers['Location']}"
    seen: list[str] = []
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        page = session.get(detail, timeout=30)
        assert page.status_code == 200
        if "Refresh" not in page.headers:
            break
        seen.append(_progress(page.text))
        time.sleep(1)
    print("progress seen:", seen[:3], "…", seen[-3:], f"({len(seen)} pages)")
    assert seen and all(s for s in seen), "the request page showed no progress while it was being scanned"
    assert "Refresh" not in page.headers and "<progress" not in page.text
    assert "住民名簿.csv" in page.text, page.text[-3000:]
    assert len({s for s in seen if s}) > 1, "the progress never moved"
    assert re.search(r"(承認待ち|Pending)", page.text)
    assert not list((served.home / "guard" / "tmp").iterdir())  # the spooled upload is gone


def _progress(html: str) -> str:
    found = re.search(r'<progress value="(\d+)" max="100">', html)
    state = re.search(r'<p class="big">([^<]+)</p>', html)
    return f"{state.group(1) if state else '?'} {found.group(1)}%" if found else ""


@pytest.mark.slow
def test_a_killed_upload_leaves_no_copy_and_start_up_removes_leftovers(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with start(home, departments=1) as live:
        host, port = live.url.removeprefix("http://").split(":")
        sock = socket.create_connection((host, int(port)), timeout=10)
        sock.sendall(b"POST /requests/new/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
                     b"boundary=x\r\nContent-Length: 50000000\r\n\r\n" + b"--x\r\n" + b"0" * (8 << 20))
        time.sleep(1.0)
        # What a crash in the middle of storing leaves: a spooled part and a stored file no request refers to.
        (home / "guard" / "tmp" / "tmpab12cd.upload").write_bytes(b"\xe5\xb1\xb1\xe7\x94\xb0 090-1234-5678")
        (home / "guard" / "files" / ("0" * 32)).write_bytes(b"\xe5\xb1\xb1\xe7\x94\xb0 090-1234-5678")
        for pid in _server_pids(home):  # the supervisor first, so that it restarts nothing
            os.kill(pid, signal.SIGKILL)
        sock.close()
    with start(home, init=False) as live:
        assert requests.get(f"{live.url}/healthz", timeout=30).status_code == 200
        assert not list((home / "guard" / "tmp").iterdir())
        assert not list((home / "guard" / "files").iterdir())
        assert "removed 2 files left by interrupted uploads" in live.log.read_text(errors="replace")


def _server_pids(home: Path) -> list[int]:
    """Every process serving `home`: the supervisor (by its command line), then its children (by environment)."""
    supervisors, children = [], []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in argv and str(home).encode() in argv:
            supervisors.append(int(entry.name))
        elif f"MAMORI_HOME={home.resolve()}".encode() in environ:
            children.append(int(entry.name))
    return supervisors + children
