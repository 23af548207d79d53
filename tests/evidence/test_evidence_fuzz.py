"""Property tests: whatever the bytes, is_archive/expand raise nothing but MamoriError."""

from __future__ import annotations

import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.errors import MamoriError
from mamori.evidence.archives import expand, is_archive
from mamori.evidence.limits import MIB, Limits
from mamori.models import Item
from mamori.synth.archives import (
    compressed_bytes,
    encrypted_zip,
    lzh_bytes,
    sevenzip_bytes,
    tar_bytes,
    zip_bytes,
)

LIMITS = Limits(max_member_bytes=MIB, max_total_bytes=4 * MIB, ratio_grace_bytes=256 * 1024, max_members=200)
CONTENTS = {"住民名簿①.csv": "氏名\n髙橋\n".encode("cp932") * 20, "ソ表.csv": b"a,b\n" * 50, "d/x.txt": b"x"}
SEEDS = [
    zip_bytes(CONTENTS),
    zip_bytes(CONTENTS, method="bzip2"),
    zip_bytes(CONTENTS, method="lzma"),
    zip_bytes({"in.zip": zip_bytes(CONTENTS)}, method="stored"),
    encrypted_zip(CONTENTS, "pw"),
    tar_bytes(CONTENTS),
    tar_bytes(CONTENTS, "gz"),
    tar_bytes(CONTENTS, "xz"),
    compressed_bytes(b"a,b\n" * 200, "gz"),
    compressed_bytes(b"a,b\n" * 200, "bz2"),
    sevenzip_bytes(CONTENTS),
    lzh_bytes(CONTENTS),
]
MAGICS = [
    b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh9", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c", b"\x00\x00-lh0-", b"MZ",
]
NAMES = st.sampled_from(["a.zip", "a.tar.gz", "a.7z", "a.lzh", "a.gz", "noext", "名簿.csv", "x.exe", ""])


def run(path: str, data: bytes) -> None:
    item = Item(path, len(data), hashlib.sha256(data).hexdigest(), data=data)
    try:
        is_archive(item, item.read_head())
        budget = LIMITS.new_budget()
        for member in expand(item, LIMITS, budget):
            assert member.path.startswith(f"{path}!")
            assert member.data is None or len(member.data) <= LIMITS.max_member_bytes
    except MamoriError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES, data=st.binary(max_size=2048))
def test_arbitrary_bytes(name: str, data: bytes) -> None:
    run(name, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES, magic=st.sampled_from(MAGICS), tail=st.binary(max_size=2048))
def test_magic_then_garbage(name: str, magic: bytes, tail: bytes) -> None:
    run(name, magic + tail)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(range(len(SEEDS))),
    edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=8),
    cut=st.one_of(st.none(), st.integers(min_value=0)),
    name=NAMES,
)
def test_mutated_archives(seed: int, edits: list[tuple[int, int]], cut: int | None, name: str) -> None:
    data = bytearray(SEEDS[seed])
    for position, value in edits:
        data[position % len(data)] = value
    if cut is not None:
        del data[cut % (len(data) + 1) :]
    run(name, bytes(data))
