"""Property: whatever files a grant names and wherever the medium fails (which file, how many bytes in,
in the copy or the flush, with which error), the medium ends with nothing — or, with no fault, with
exactly the grant's files, byte for byte, and a manifest naming them."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path

from agent_helpers import everything_under, fake_usb, grant_envelope, offline_home
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.agent.export import MANIFEST, Writer
from mamori.agent.refusal import ExportRefused
from mamori.agent.runner import make_agent
from mamori.audit.checkpoint import generate_signer

KEY = generate_signer("mamori-grant")
ERRORS = {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EIO: "medium_removed",
          errno.ENODEV: "medium_removed", errno.EACCES: "write_failed"}


class FailAt(Writer):
    """Fails the `at`-th copy after `cut` bytes, or the flush when `at` is past the last copy."""

    def __init__(self, at: int, cut: int, code: int) -> None:
        self.at, self.cut, self.code, self.calls = at, cut, code, 0
        self.lock = threading.Lock()

    def copy(self, src: int, dst: int, size: int) -> None:
        with self.lock:  # copies run on two threads
            self.calls += 1
            mine = self.calls - 1
        if mine == self.at:
            os.write(dst, os.pread(src, min(self.cut, size), 0))
            raise OSError(self.code, os.strerror(self.code))
        super().copy(src, dst, size)

    def sync(self, folder: int, files: list[int]) -> None:
        if self.at >= self.calls:
            raise OSError(self.code, os.strerror(self.code))
        super().sync(folder, files)


names = st.text(alphabet="abcあいう名簿_-0123456789", min_size=1, max_size=12).map(lambda n: n + ".csv")
contents = st.binary(max_size=3000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.dictionaries(names, contents, min_size=1, max_size=6),
       fault=st.one_of(st.none(), st.tuples(st.integers(0, 7), st.integers(0, 4000), st.sampled_from(sorted(ERRORS)))))
def test_all_or_nothing(files: dict[str, bytes], fault: tuple[int, int, int] | None) -> None:
    root = Path(tempfile.mkdtemp(prefix="mamori-prop-"))
    try:
        usb = fake_usb(root)
        source = root / "src"
        source.mkdir()
        entries = []
        for name, data in files.items():
            (source / name).write_bytes(data)
            entries.append({"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
        home = offline_home(root / "agent", usb, KEY)
        grant = root / "grant.json"
        grant.write_text(grant_envelope(KEY, entries, usb.identity), encoding="utf-8")
        writer = Writer() if fault is None else FailAt(*fault)
        try:
            result, _ = make_agent(home.path, writer=writer).export(str(grant), source, usb.mount)
        except ExportRefused as refused:
            assert fault is not None
            assert refused.code == ERRORS[fault[2]]
            assert everything_under(usb.mount) == []
            return
        assert fault is None, "every fault lands in a copy or in the flush"
        written = {p.name: p.read_bytes() for p in result.folder.iterdir() if p.name != MANIFEST}
        assert written == files
        manifest = json.loads((result.folder / MANIFEST).read_text())
        assert sorted(f["name"] for f in manifest["files"]) == sorted(files)
    finally:
        shutil.rmtree(root, ignore_errors=True)
