"""`mamori find --cluster` on a real `dask scheduler` and two `dask worker` processes gives a local scan's answer.

The corpus has loose documents, archives (nested, partly encrypted), encrypted files and a voter list big
enough to be read in parts. Compared: every JSONL line but the summary's elapsed_s (lines sorted: a cluster
writes files as they finish) and the distinct count; also after a worker is killed mid-scan, after the driver
is killed and resumed, through file:// URLs, and for investigate's evidence inspection.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cluster_procs import DaskProcs, dask_cluster

from mamori.models import ItemResult, Status
from mamori.scan.resume import ResumeState
from mamori.scan.runner import Scan, ScanOptions
from mamori.synth.mixed import write_mixed_corpus

pytestmark = pytest.mark.slow

Lines = tuple[list[dict[str, Any]], dict[str, Any]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_mixed_corpus(tmp_path_factory.mktemp("cluster") / "corpus")


@pytest.fixture(scope="module")
def procs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskProcs]:
    with dask_cluster(tmp_path_factory.mktemp("dask")) as running:
        yield running


def _find(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mamori", "find", *map(str, args), "--no-progress"],
                          capture_output=True, text=True, check=False)


def _lines(path: Path, prefix: str = "", into: str = "") -> Lines:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    summary = rows[-1]
    assert summary["type"] == "summary"
    summary.pop("elapsed_s")
    items = []
    for row in rows[:-1]:
        row["path"] = into + row["path"].removeprefix(prefix)
        items.append(row)
    return sorted(items, key=lambda r: r["path"]), summary


@pytest.fixture(scope="module")
def local(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Lines:
    out = tmp_path_factory.mktemp("local") / "local.jsonl"
    done = _find(corpus, "-f", "jsonl", "-o", out, "--workers", "2")
    assert done.returncode == 0, done.stderr
    return _lines(out)


def test_corpus_has_every_shape(local: Lines) -> None:
    items, summary = local
    statuses = {row["status"] for row in items}
    assert {"ok", "encrypted"} <= statuses
    assert any("!" in row["path"] and row["path"].count("!") >= 3 for row in items)  # nested zips
    voters = [row for row in items if row["path"].endswith("選挙人名簿.csv")]
    assert voters and voters[0]["persons"] > 150_000  # big enough to be read in parts
    assert summary["unique_persons"] > voters[0]["persons"]
    assert summary["not_inspected"] >= 3


def test_cluster_gives_the_local_answer(corpus: Path, procs: DaskProcs, local: Lines, tmp_path: Path) -> None:
    out = tmp_path / "cluster.jsonl"
    done = _find(corpus, "-f", "jsonl", "-o", out, "--cluster", procs.address)
    assert done.returncode == 0, done.stderr
    assert _lines(out) == local


def test_file_urls_give_the_local_answer(corpus: Path, procs: DaskProcs, local: Lines, tmp_path: Path) -> None:
    out = tmp_path / "url.jsonl"
    done = _find(f"file://{corpus}", "-f", "jsonl", "-o", out, "--cluster", procs.address)
    assert done.returncode == 0, done.stderr
    assert _lines(out, prefix=f"file://{corpus}", into=str(corpus)) == local


def test_key_and_raw_values_stay_off_the_wire_and_out_of_logs(corpus: Path, procs: DaskProcs) -> None:
    from distributed import Client

    from mamori.evidence.files import walk
    from mamori.evidence.limits import Limits
    from mamori.scan.cluster_tasks import RunKeyPlugin, inspect_batch, plugin_name

    secret = os.urandom(32)
    with Client(procs.address) as client:
        client.register_plugin(RunKeyPlugin("t-wire", secret), name=plugin_name("t-wire"))
        refs = [(i, r) for i, r in enumerate(walk([corpus / "archives", corpus / "locked"]))]
        payload = client.submit(inspect_batch, "t-wire", refs, Limits(), None, pure=False).result()
        client.unregister_worker_plugin(plugin_name("t-wire"))
    results = [r for _, batch in payload for r in batch]
    assert any(r.persons for r in results) and any(r.samples for r in results)
    wire = pickle.dumps(payload)
    for raw in ("山田　太郎", "山田 太郎", "髙橋　﨑子", "072-233-1101", "090-1234-5678", "南瓦町3番1号",
                "昭和45年3月2日", "平成元年5月1日"):
        assert raw.encode("utf-8") not in wire, raw
    assert secret not in wire
    logs = procs.logs()
    assert secret.hex() not in logs and repr(secret)[2:-1] not in logs


def _kill_a_busy_worker(address: str) -> bool:
    """SIGKILL a worker that is running a task now; True if one was."""
    from distributed import Client

    with Client(address) as client:
        pids = client.run(os.getpid)
        for worker, keys in client.processing().items():
            if keys and worker in pids:
                os.kill(pids[worker], signal.SIGKILL)
                return True
    return False


def test_worker_killed_mid_scan(corpus: Path, local: Lines, tmp_path: Path) -> None:
    with dask_cluster(tmp_path / "dask") as own:
        scan = Scan([corpus], ScanOptions(cluster=own.address))
        killed = False
        seen: list[ItemResult] = []
        for result in scan.results():
            seen.append(result)
            if not killed:
                killed = _kill_a_busy_worker(own.address)
        assert killed
        assert sum(p.poll() is not None for p in own.workers) == 1  # one worker did die
    assert scan.summary is not None
    paths = [r.path for r in seen]
    assert len(paths) == len(set(paths)) == len(local[0])  # nothing twice, nothing lost
    assert scan.summary.unique_persons == local[1]["unique_persons"]
    by_path = {r.path: r for r in seen}
    for row in local[0]:
        got = by_path[row["path"]]
        assert (got.status.value, got.pii, got.persons, got.sha256) == (
            row["status"], row["pii"], row["persons"], row["sha256"])
    assert all(r.status is not Status.ERROR for r in seen)


def test_driver_killed_then_resumed(corpus: Path, procs: DaskProcs, local: Lines, tmp_path: Path) -> None:
    state, first = tmp_path / "run.state", tmp_path / "first.jsonl"
    driver = subprocess.Popen([sys.executable, "-m", "mamori", "find", str(corpus), "-f", "jsonl", "-o", str(first),
                               "--cluster", procs.address, "--resume", str(state), "--no-progress"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while driver.poll() is None and len(ResumeState.open(state).done if state.exists() else ()) < 10:
            time.sleep(0.05)
    finally:
        driver.send_signal(signal.SIGKILL)
        driver.wait()
    before = len(ResumeState.open(state).done)
    assert before >= 10
    assert (state.stat().st_mode & 0o777) == 0o600
    out = tmp_path / "resumed.jsonl"
    done = _find(corpus, "-f", "jsonl", "-o", out, "--cluster", procs.address, "--resume", state)
    assert done.returncode == 0, done.stderr
    assert _lines(out) == local
    tops = {row["path"] for row in local[0] if "!" not in row["path"]}
    frames = 0
    with state.open("rb") as stream:
        while True:
            try:
                pickle.load(stream)
            except EOFError:
                break
            frames += 1
    assert frames == 1 + len(tops)  # the header, then each file once: the first run's files were not redone


def test_investigate_inspects_on_the_cluster(procs: DaskProcs, tmp_path: Path) -> None:
    import shutil

    from mamori.investigate import investigate
    from mamori.synth.case import write_case

    truth = write_case(tmp_path / "case", scale=400, seed=3, noise_files=20, access_lines=400)
    shutil.copytree(tmp_path / "case", tmp_path / "on_cluster")
    case_file = tmp_path / "on_cluster" / "CASE.toml"
    case_file.write_text(case_file.read_text(encoding="utf-8") + f'\n[cluster]\naddress = "{procs.address}"\n',
                         encoding="utf-8")
    here = investigate(tmp_path / "case" / "CASE.toml", tmp_path / "out_here").contract()
    there = investigate(case_file, tmp_path / "out_there").contract()
    got = {f"{f['server_path']}@{f['uploaded_at']}": f["persons"] for f in there["leaked"]}
    assert got == {k: v["persons"] for k, v in truth.leaked.items()}
    assert there["leaked"] == here["leaked"] and there["server_files"] == here["server_files"]
    assert there["unique_persons_leaked"] == here["unique_persons_leaked"] > 400


def test_local_cluster_gives_the_local_answer(tmp_path: Path) -> None:
    small = write_mixed_corpus(tmp_path / "small", n_files=12, voters=0)
    here, there = tmp_path / "here.jsonl", tmp_path / "there.jsonl"
    assert _find(small, "-f", "jsonl", "-o", here, "--workers", "1").returncode == 0
    done = _find(small, "-f", "jsonl", "-o", there, "--cluster", "local:2")
    assert done.returncode == 0, done.stderr
    assert _lines(there) == _lines(here)
    assert "Traceback" not in done.stderr


def test_unreachable_scheduler_is_one_clear_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mamori", "find", str(tmp_path), "--no-progress",
                           "--cluster", f"tcp://127.0.0.1:{port}"], capture_output=True, text=True, check=False,
                          env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"})
    assert done.returncode == 2
    assert "dask scheduler" in done.stderr and "Traceback" not in done.stderr
