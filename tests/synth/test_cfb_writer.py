"""The compound-file writer: every stream and storage reads back exactly through olefile."""

from __future__ import annotations

import io
from typing import Any

import olefile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.synth.render.cfb import CfbTree, write_cfb


def _read_back(data: bytes) -> dict[str, Any]:
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_POTENTIAL)
    out: dict[str, Any] = {}
    for path in ole.listdir(streams=True, storages=True):
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        if ole.get_type(path) == olefile.STGTY_STREAM:
            node[path[-1]] = ole.openstream(path).read()
        else:
            node.setdefault(path[-1], {})
    ole.close()
    return out


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 4095, 4096, 4097, 70_000])
def test_stream_sizes_around_sector_edges(size: int) -> None:
    tree = {"data": bytes(i % 251 for i in range(size)), "other": b"x" * 100}
    assert _read_back(write_cfb(tree)) == tree


def test_nested_storages_and_many_entries() -> None:
    tree: CfbTree = {
        "__attach_version1.0_#00000000": {
            "__properties_version1.0": b"\0" * 24,
            "__substg1.0_3701000D": {"__properties_version1.0": b"\1" * 40, "big": b"b" * 5000},
        },
        **{f"__substg1.0_{i:04X}001F": "髙橋".encode("utf-16-le") * i for i in range(60)},
        "空のストレージ": {},
    }
    assert _read_back(write_cfb(tree)) == tree


@pytest.mark.parametrize("name", ["", "a/b", "a\\b", "x" * 32, "\U00010000" * 16, "a!b", "a:b"])
def test_invalid_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError):
        write_cfb({name: b"x"})


name_chars = st.characters(blacklist_characters="/\\:!\0", blacklist_categories=("Cs",))
names = st.text(name_chars, min_size=1, max_size=31).filter(
    lambda n: len(n.encode("utf-16-le")) <= 62  # 31 UTF-16 code units, the format's limit
)
trees = st.recursive(
    st.dictionaries(names, st.binary(max_size=5000), max_size=6),
    lambda children: st.dictionaries(names, children | st.binary(max_size=300), max_size=4),
    max_leaves=12,
)


def _case_clash(tree: dict[str, Any]) -> bool:
    keys = {"".join(c.upper() if len(c.upper()) == 1 else c for c in k) for k in tree}
    return len(keys) != len(tree) or any(_case_clash(v) for v in tree.values() if isinstance(v, dict))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_any_tree_round_trips(tree: dict[str, Any]) -> None:
    if _case_clash(tree):  # CFB names compare case-insensitively: such siblings are refused
        with pytest.raises(ValueError):
            write_cfb(tree)
        return
    assert _read_back(write_cfb(tree)) == tree
