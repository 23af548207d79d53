"""Archive safety limits: bombs end as too_large with bounded memory; ratio, depth, count, total."""

from __future__ import annotations

import hashlib
import tracemalloc

import pytest

from mamori.errors import ArchiveLimit
from mamori.evidence.archives import expand
from mamori.evidence.limits import MIB, ExpansionBudget, Limits
from mamori.models import Item, Status
from mamori.synth.archives import compressed_bytes, nested_zip, sevenzip_bytes, tar_bytes, zip_bomb, zip_bytes


def no_bytes(value: object) -> str | None:
    """Test ids without archive bytes in them (they differ per run, which xdist refuses)."""
    return "bytes" if isinstance(value, bytes) else None


def item_of(path: str, data: bytes, depth: int = 0) -> Item:
    return Item(path, len(data), hashlib.sha256(data).hexdigest(), data=data, depth=depth)


def test_bomb_builds_small_without_holding_what_it_expands_to() -> None:
    tracemalloc.start()
    try:
        data = zip_bomb(members=8, member_mib=256)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(data) < 5 * MIB
    assert peak < 64 * MIB  # 2 GiB of declared content, never materialised


@pytest.mark.parametrize("declared", [None, 1000], ids=["honest-sizes", "lying-sizes"])
def test_zip_bomb_ends_too_large_with_bounded_memory(declared: int | None) -> None:
    data = zip_bomb(members=6, member_mib=300, declared_size=declared)
    limits = Limits()
    tracemalloc.start()
    try:
        members = expand(item_of("bomb.zip", data), limits, limits.new_budget())
        got = [(m.status, m.data is None, m.reason) for m in members]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(got) == 6
    assert all(status is Status.TOO_LARGE and no_data for status, no_data, _ in got)
    assert peak < 64 * MIB, f"peak {peak / MIB:.1f} MiB"


def test_lying_bomb_stops_at_the_ratio_not_the_end() -> None:
    limits = Limits(ratio_grace_bytes=2 * MIB)
    (member,) = expand(item_of("b.zip", zip_bomb(1, 64, declared_size=10)), limits, limits.new_budget())
    assert member.status is Status.TOO_LARGE and "possible zip bomb" in (member.reason or "")
    # The ratio counts compressed bytes read so far (64 KiB pieces), so it trips early.
    assert 2 * MIB < member.size <= 200 * 64 * 1024 + MIB


@pytest.mark.parametrize(
    ("payload", "limits", "status"),
    [
        (bytes(3 * MIB), Limits(ratio_grace_bytes=MIB), Status.TOO_LARGE),  # zeros: ratio ~1000
        (bytes(3 * MIB), Limits(ratio_grace_bytes=8 * MIB), None),  # under the grace: still read
        (bytes(3 * MIB), Limits(max_ratio=5000, ratio_grace_bytes=MIB), None),
        (b"x" * (2 * MIB), Limits(max_member_bytes=MIB), Status.TOO_LARGE),
    ],
    ids=["zeros-over-ratio", "zeros-under-grace", "zeros-higher-ratio", "over-member-size"],
)
def test_ratio_and_member_size(payload: bytes, limits: Limits, status: Status | None) -> None:
    for declared in (None, 5):
        data = zip_bytes({"m.csv": payload})
        if declared is not None:  # make the central directory lie about the size
            data = data.replace(len(payload).to_bytes(4, "little"), declared.to_bytes(4, "little"))
        (member,) = expand(item_of("r.zip", data), limits, limits.new_budget())
        assert member.status is status
        assert (member.data == payload) is (status is None)


def test_depth_limit() -> None:
    limits = Limits(max_depth=2)
    budget = limits.new_budget()
    item = item_of("d.zip", nested_zip({"f.csv": b"1"}, depth=4))
    item = next(iter(expand(item, limits, budget)))
    item = next(iter(expand(item, limits, budget)))
    assert item.depth == 2
    with pytest.raises(ArchiveLimit, match="nested"):
        expand(item, limits, budget)


def test_member_count_limit_is_shared_by_nested_archives() -> None:
    limits = Limits(max_members=5)
    budget = ExpansionBudget(limits)
    inner = zip_bytes({f"{i}.csv": b"1" for i in range(3)})
    outer = item_of("o.zip", zip_bytes({"a.zip": inner, "b.zip": inner}))
    first = list(expand(outer, limits, budget))
    list(expand(first[0], limits, budget))
    with pytest.raises(ArchiveLimit, match="members"):
        list(expand(first[1], limits, budget))


@pytest.mark.parametrize(
    "data",
    [
        zip_bytes({f"{i}.csv": b"1" for i in range(20)}),
        tar_bytes({f"{i}.csv": b"1" for i in range(20)}),
        sevenzip_bytes({f"{i}.csv": b"1" for i in range(20)}),
    ],
    ids=["zip", "tar", "7z"],
)
def test_member_count_limit(data: bytes) -> None:
    limits = Limits(max_members=10)
    with pytest.raises(ArchiveLimit):
        list(expand(item_of("many", data), limits, limits.new_budget()))


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("t.zip", zip_bytes({f"{i}.bin": bytes(range(256)) * 4096 for i in range(4)})),
        ("t.tar", tar_bytes({f"{i}.bin": bytes(range(256)) * 4096 for i in range(4)})),
        ("t.7z", sevenzip_bytes({f"{i}.bin": bytes(range(256)) * 4096 for i in range(4)})),
    ],
    ids=no_bytes,
)
def test_total_bytes_limit(path: str, data: bytes) -> None:
    limits = Limits(max_total_bytes=3 * MIB)
    with pytest.raises(ArchiveLimit, match="expands past"):
        list(expand(item_of(path, data), limits, limits.new_budget()))


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz"])
def test_compressed_file_bomb(kind: str) -> None:
    data = compressed_bytes(bytes(64 * MIB), kind)  # type: ignore[arg-type]
    limits = Limits(ratio_grace_bytes=MIB)
    tracemalloc.start()
    try:
        (member,) = expand(item_of(f"z.{kind}", data), limits, limits.new_budget())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert member.status is Status.TOO_LARGE
    assert peak < 16 * MIB


def test_tar_gz_bomb_is_refused() -> None:
    data = tar_bytes({"zeros.csv": bytes(32 * MIB)}, "gz")
    limits = Limits(ratio_grace_bytes=MIB)
    with pytest.raises(ArchiveLimit, match="possible bomb"):
        list(expand(item_of("b.tar.gz", data), limits, limits.new_budget()))


def test_7z_bomb_is_refused_by_declared_sizes() -> None:
    data = sevenzip_bytes({"zeros.csv": bytes(32 * MIB)})
    limits = Limits(ratio_grace_bytes=MIB)
    with pytest.raises(ArchiveLimit, match="possible bomb"):
        list(expand(item_of("b.7z", data), limits, limits.new_budget()))
