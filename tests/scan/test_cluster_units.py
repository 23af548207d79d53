"""The pieces of a cluster scan that need no cluster: addresses, the key plugin, versions, resume state, URLs."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.errors import ConfigError
from mamori.evidence.files import FileRef
from mamori.evidence.limits import Limits
from mamori.evidence.remote import fetched, is_url, url_of, walk_url
from mamori.investigate.case import parse_case
from mamori.models import ItemResult, Status
from mamori.scan import cluster_tasks
from mamori.scan.cluster import _Seen, check_versions
from mamori.scan.cluster_address import check_address
from mamori.scan.cluster_tasks import RunKeyPlugin, held_key, inspect_batch, key_check, key_for
from mamori.scan.resume import ResumeState, RunHeader


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "tls://scheduler.city.local:8786", "local:1",
                                     "local:16"])
def test_addresses_accepted(address: str) -> None:
    assert check_address(address) == address


@pytest.mark.parametrize("address", ["10.0.0.5:8786", "local:0", "local:x", "local:", "http://h:8786", ""])
def test_addresses_refused_with_what_to_give(address: str) -> None:
    with pytest.raises(ConfigError, match="local:N"):
        check_address(address)


def test_key_plugin_holds_the_key_in_memory_and_never_shows_it() -> None:
    secret = os.urandom(32)
    plugin = RunKeyPlugin("tok", secret)
    assert secret.hex() not in repr(plugin) and str(secret) not in repr(plugin)
    with pytest.raises(ConfigError, match="start the scan again"):
        key_for("tok")
    plugin.setup(None)
    try:
        assert key_for("tok") == held_key("tok") == secret
    finally:
        plugin.teardown(None)
    assert held_key("tok") is None
    assert key_check(secret) != key_check(os.urandom(32)) and secret.hex() not in key_check(secret)


def test_a_task_names_the_run_not_the_key(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("電話 072-233-1101 山田 太郎", encoding="utf-8")
    plugin = RunKeyPlugin("run1", b"k" * 32)
    plugin.setup(None)
    try:
        out = inspect_batch("run1", [(7, FileRef(path, "a.txt"))], Limits(), None)
    finally:
        plugin.teardown(None)
    assert [index for index, _ in out] == [7] and out[0][1][0].status is Status.OK
    assert b"k" * 32 not in pickle.dumps(("run1", [(7, FileRef(path, "a.txt"))]))


class _FakeClient:
    def __init__(self, versions: dict[str, str]) -> None:
        self.versions = versions

    def wait_for_workers(self, n: int, timeout: str) -> None:
        return None

    def run(self, fn: Any, *args: Any) -> dict[str, str]:
        return self.versions

    def get_versions(self, check: bool) -> None:
        return None


def test_every_worker_must_run_this_mamori() -> None:
    mine = cluster_tasks.version()
    check_versions(_FakeClient({"tcp://a:1": mine, "tcp://b:1": mine}), "tcp://s:8786")
    with pytest.raises(ConfigError, match=r"tcp://b:1 \(0\.0\.9"):
        check_versions(_FakeClient({"tcp://a:1": mine, "tcp://b:1": "0.0.9+abc"}), "tcp://s:8786")


def _result(path: str) -> ItemResult:
    return ItemResult(path=path, status=Status.OK, size=3, sha256="ab", pii=True, persons=1,
                      person_keys=((b"\x01" * 16,),))


def test_resume_state_round_trip_and_a_cut_frame(tmp_path: Path) -> None:
    path = tmp_path / "s.state"
    state = ResumeState.open(path)
    state.start(RunHeader("tok", "chk", ("/data",)))
    state.finished(0, "/data/a", [_result("/data/a")])
    state.finished(2, "/data/c", [_result("/data/c")])
    state.close()
    assert os.stat(path).st_mode & 0o777 == 0o600
    with path.open("ab") as out:
        out.write(pickle.dumps((3, "/data/d", [_result("/data/d")]))[:-7])  # the driver was killed mid-write
    again = ResumeState.open(path)
    assert again.header == RunHeader("tok", "chk", ("/data",))
    assert sorted(again.done) == [0, 2]
    assert again.holds(2, "/data/c") and not again.holds(1, "/data/b")
    with pytest.raises(ConfigError, match="folders changed"):
        again.holds(2, "/data/other")
    replayed = list(again.replay())
    assert [(i, r[0].path) for i, r in replayed] == [(0, "/data/a"), (2, "/data/c")]
    assert replayed[1][1][0].person_keys == ((b"\x01" * 16,),)


def test_resume_state_refuses_what_it_did_not_write(tmp_path: Path) -> None:
    foreign = tmp_path / "x.state"
    foreign.write_bytes(b"not a state at all")
    os.chmod(foreign, 0o600)
    with pytest.raises(ConfigError, match="not a state"):
        ResumeState.open(foreign)
    os.chmod(foreign, 0o666)
    with pytest.raises(ConfigError, match="others cannot write"):
        ResumeState.open(foreign)


@pytest.mark.parametrize(("text", "url"), [("file:///data/x", True), ("s3://bucket/key", True),
                                           ("smb://server/share/f", True), ("/data/x", False),
                                           ("C:\\data", False), ("data/file://x", False)])
def test_is_url(text: str, url: bool) -> None:
    assert is_url(text) is url


def test_walk_and_fetch_file_urls(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "a.csv").write_bytes(b"x,y\n")
    (tmp_path / "d" / "sub" / "b.txt").write_bytes(b"hello")
    os.utime(tmp_path / "d" / "sub" / "b.txt", (1_600_000_000, 1_600_000_000))
    base = f"file://{tmp_path}/d"
    refs = list(walk_url(base))
    assert [r.path for r in refs] == [f"{base}/a.csv", f"{base}/sub/b.txt"]
    assert all(url_of(r) == r.path for r in refs)
    with fetched(refs[1], Limits()) as local:
        assert local.path == refs[1].path and local.fs_path != refs[1].fs_path
        assert local.fs_path.read_bytes() == b"hello" and local.fs_path.stat().st_mtime == 1_600_000_000
        folder = local.fs_path.parent
        assert folder.stat().st_mode & 0o077 == 0
    assert not folder.exists()
    missing = list(walk_url(f"file://{tmp_path}/nothing"))
    assert len(missing) == 1 and missing[0].skip_reason


def test_fetch_of_an_in_memory_url_goes_through_fsspec() -> None:
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.pipe("/ev/名簿.csv", "氏名,電話\n山田 太郎,072-233-1101\n".encode())
    refs = list(walk_url("memory://ev"))
    assert [r.path for r in refs] == ["memory://ev/名簿.csv"]
    with fetched(refs[0], Limits()) as local:
        assert local.fs_path.read_bytes().startswith("氏名".encode())


def test_case_file_cluster_address(tmp_path: Path) -> None:
    base: dict[str, Any] = {"case": {"name": "c"}, "server": {"web_root": "/srv"}}
    assert parse_case(base, tmp_path / "CASE.toml").cluster is None
    assert parse_case({**base, "cluster": {"address": "tcp://h:8786"}}, tmp_path / "CASE.toml").cluster == "tcp://h:8786"
    with pytest.raises(ConfigError, match="local:N"):
        parse_case({**base, "cluster": {"address": "h:8786"}}, tmp_path / "CASE.toml")


@given(st.lists(st.integers(min_value=0, max_value=5000), max_size=200), st.integers(min_value=0, max_value=6000))
def test_seen_indices_behave_as_a_set(added: list[int], probe: int) -> None:
    seen = _Seen()
    for index in added:
        seen.add(index)
    assert all(index in seen for index in added)
    assert (probe in seen) == (probe in set(added))
