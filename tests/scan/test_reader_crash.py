"""A reader that kills its process (abort, segfault, MemoryError, an allocation over the memory limit) ends as
that item's ``error``: the scan goes on, the other items are intact, the summary is written.

The crashing reader is a third-party extractor plugged in through the ``mamori.extractors`` entry point, as
any plugin would be, and ``mamori find`` runs as a separate command: the crash must not take the test down.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mamori.scan.sandbox import Sandbox, describe_exit, fork_is_safe
from mamori.synth.hostile import CSV_HEADER, csv_rows, people

PLUGIN = '''
import ctypes, os
from mamori.models import Document, TextBlock, Location

class CrashingExtractor:
    """Reads files that start with MAMORI-CRASH: and does to its process what the rest of the line says."""
    name = "crash_test"
    priority = 1000

    def sniff(self, head, item):
        return head.startswith(b"MAMORI-CRASH:")

    def extract(self, stream, item):
        how = stream.read().split(b":", 1)[1].strip().decode()
        if how == "abort":
            os.abort()
        if how == "segv":
            ctypes.string_at(0)
        if how == "memory":
            raise MemoryError
        if how == "hog":  # 64 GiB at once: refused under the helper's memory limit, never touched otherwise
            bytearray(64 << 30)
        return Document(format="crash_test", blocks=(TextBlock("nothing here", Location()),))
'''

MODES = ("abort", "segv", "memory", "hog")


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder to put on PYTHONPATH that registers the crashing extractor as an installed plugin would."""
    root = tmp_path_factory.mktemp("plugin")
    (root / "mamori_crash_test.py").write_text(PLUGIN, encoding="utf-8")
    info = root / "mamori_crash_test-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: mamori-crash-test\nVersion: 0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[mamori.extractors]\ncrash_test = mamori_crash_test:CrashingExtractor\n", encoding="utf-8")
    return root


def _corpus(folder: Path, modes: tuple[str, ...]) -> Path:
    folder.mkdir()
    residents = people(30, seed=5)
    (folder / "a_名簿.csv").write_text("\n".join([CSV_HEADER, *csv_rows(residents[:15])]) + "\n", encoding="utf-8")
    for mode in modes:
        (folder / f"b_{mode}.dat").write_bytes(f"MAMORI-CRASH:{mode}\n".encode())
    (folder / "c_名簿.csv").write_text("\n".join([CSV_HEADER, *csv_rows(residents[15:])]) + "\n", encoding="utf-8")
    return folder


def _find(plugin: Path, folder: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], list[dict[str, object]]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(plugin), os.environ.get("PYTHONPATH"))))}
    run = subprocess.run([sys.executable, "-m", "mamori", "find", str(folder), "--format", "jsonl", "--no-progress",
                          *extra], capture_output=True, text=True, env=env, check=False)
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    return run, lines


@pytest.mark.parametrize("workers", ["1", "2"], ids=["workers-1", "small-scan-in-process"])
def test_a_crashing_reader_is_that_items_error(plugin: Path, tmp_path: Path, workers: str) -> None:
    folder = _corpus(tmp_path / "share", MODES)
    run, lines = _find(plugin, folder, "--workers", workers, "--fail-on-pii")
    assert run.returncode == 1, run.stderr  # personal data found: the scan reached its end and its verdict
    items = {Path(str(line["path"])).name: line for line in lines if line["type"] == "item"}
    assert set(items) == {"a_名簿.csv", "c_名簿.csv", *(f"b_{m}.dat" for m in MODES)}
    for mode in MODES:
        crashed = items[f"b_{mode}.dat"]
        assert crashed["status"] == "error", crashed
        assert crashed["pii"] is None
        assert crashed["reason"], crashed
    assert "SIGABRT" in str(items["b_abort.dat"]["reason"])
    assert "SIGSEGV" in str(items["b_segv.dat"]["reason"])
    assert "memory" in str(items["b_memory.dat"]["reason"])
    assert "memory" in str(items["b_hog.dat"]["reason"])
    for name in ("a_名簿.csv", "c_名簿.csv"):
        assert items[name]["status"] == "ok" and items[name]["pii"] is True and items[name]["persons"] == 15
    summary = lines[-1]
    assert summary["type"] == "summary"
    assert summary["items"] == len(items) and summary["not_inspected"] == len(MODES)
    assert summary["unique_persons"] == 30


def test_a_crash_inside_an_archive_is_never_clean(plugin: Path, tmp_path: Path) -> None:
    import zipfile

    folder = tmp_path / "share"
    folder.mkdir()
    with zipfile.ZipFile(folder / "bundle.zip", "w") as archive:
        archive.writestr("segv.dat", b"MAMORI-CRASH:segv\n")
        archive.writestr("note.txt", b"nothing personal")
    run, lines = _find(plugin, folder, "--workers", "1", "--fail-on-pii")
    assert run.returncode == 3, run.stderr  # nothing found, something not inspected
    (bundle,) = [line for line in lines if line["type"] == "item"]
    assert bundle["status"] == "error" and bundle["pii"] is None
    assert lines[-1]["type"] == "summary" and lines[-1]["not_inspected"] == 1


def _raise_memory() -> None:
    raise MemoryError


def _die() -> None:
    os._exit(7)


def test_the_sandbox_raises_what_the_task_raised_and_survives_a_death() -> None:
    with Sandbox(data_bytes=2 << 30) as sandbox:
        assert sandbox.call(sum, [1, 2, 3]) == 6
        with pytest.raises(MemoryError):
            sandbox.call(_raise_memory)
        assert sandbox.call(len, "abc") == 3  # the same helper goes on after an exception
        with pytest.raises(Exception, match="exit code 7"):
            sandbox.call(_die)
        assert sandbox.call(len, "abcd") == 4  # a new helper after a death


def test_exit_descriptions() -> None:
    assert describe_exit(-6) == "killed by SIGABRT"
    assert describe_exit(3) == "exit code 3"
    assert describe_exit(None) == "ended for an unknown reason"


def test_fork_is_refused_once_a_native_pool_runs() -> None:
    """A child forked after Polars' thread pool ran would wait for that pool forever: the helper then comes
    from the fork server instead (checked in a fresh process, whose threads this test controls)."""
    code = ("import polars as pl\nfrom mamori.scan.sandbox import fork_is_safe\nbefore = fork_is_safe()\n"
            "pl.DataFrame({'a': list(range(200000))}).group_by('a').len()\nprint(before, fork_is_safe())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False"]
    assert isinstance(fork_is_safe(), bool)


_KILLED_SCANNER = """
import os
from mamori.scan.sandbox import Sandbox
sandbox = Sandbox()
assert sandbox.call(len, "ab") == 2
print(sandbox._process.pid, flush=True)
os.kill(os.getpid(), 9)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_killed_scan_leaves_no_helper_behind() -> None:
    run = subprocess.run([sys.executable, "-c", _KILLED_SCANNER], capture_output=True, text=True, check=False)
    assert run.returncode == -9
    helper = int(run.stdout.split()[0])
    for _ in range(200):  # counted polls: the kernel kills it when its parent dies
        if not _running(helper):
            break
        time.sleep(0.05)
    assert not _running(helper)
