"""Property tests: office extractors raise nothing but MamoriError on arbitrary or damaged bytes."""

from __future__ import annotations

import io
import zipfile
from functools import cache

import olefile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.errors import MamoriError
from mamori.extract.base import Extractor
from mamori.extract.odf_text import OdfTextExtractor
from mamori.extract.outlook import OutlookExtractor
from mamori.extract.slides import SlidesExtractor
from mamori.extract.word import WordExtractor
from mamori.extract.word_legacy import WordLegacyExtractor
from mamori.models import Document, Item
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render
from mamori.synth.render.cfb import write_cfb

EXTRACTORS: dict[str, Extractor] = {
    "docx": WordExtractor(),
    "doc": WordLegacyExtractor(),
    "pptx": SlidesExtractor(),
    "odt": OdfTextExtractor(),
    "msg": OutlookExtractor(),
}
SAMPLE = SynthDoc(
    title="名簿",
    kind="roster",
    header=("氏名", "住所"),
    rows=(("髙橋　﨑子", "大阪府堺市堺区南瓦町３番１号"), ("ﾔﾏﾀﾞ ﾀﾛｳ", "①～")),
    title_rows=("昭和45年3月2日",),
    paragraphs=("本文",),
)
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def _valid(fmt: str) -> bytes:
    return render(SAMPLE, fmt)


def _run(extractor: Extractor, data: bytes, name: str) -> Document | None:
    item = Item(path=name, size=len(data), sha256="", data=data)
    try:
        extractor.sniff(data[:8192], item)
        return extractor.extract(item.open(), item)
    except MamoriError:
        return None


def _flip(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    buf = bytearray(data)
    for pos, value in edits:
        if buf:
            buf[pos % len(buf)] = value
    return bytes(buf)


edits = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=8)


@pytest.mark.parametrize("fmt", list(EXTRACTORS))
@FUZZ
@given(data=st.binary(max_size=4096), name=st.text(max_size=20))
def test_arbitrary_bytes(fmt: str, data: bytes, name: str) -> None:
    _run(EXTRACTORS[fmt], data, name)
    _run(EXTRACTORS[fmt], bytes.fromhex("D0CF11E0A1B11AE1") + data, name)
    _run(EXTRACTORS[fmt], b"PK\x03\x04" + data, name)


@pytest.mark.parametrize("fmt", list(EXTRACTORS))
@FUZZ
@given(cut=st.floats(0, 1), changes=edits)
def test_truncated_and_flipped_files(fmt: str, cut: float, changes: list[tuple[int, int]]) -> None:
    data = _valid(fmt)
    _run(EXTRACTORS[fmt], data[: int(len(data) * cut)], f"x.{fmt}")
    _run(EXTRACTORS[fmt], _flip(data, changes), f"x.{fmt}")


def _mutate_zip(data: bytes, member: int, changes: list[tuple[int, int]], cut: float) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        infos = src.infolist()
        target = infos[member % len(infos)].filename
        for info in infos:
            body = src.read(info)
            if info.filename == target:
                body = _flip(body, changes)[: max(1, int(len(body) * cut))]
            dst.writestr(info, body)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["docx", "pptx", "odt"])
@FUZZ
@given(member=st.integers(0, 100), changes=edits, cut=st.floats(0.5, 1))
def test_damaged_xml_inside_a_valid_zip(fmt: str, member: int, changes: list[tuple[int, int]], cut: float) -> None:
    _run(EXTRACTORS[fmt], _mutate_zip(_valid(fmt), member, changes, cut), f"x.{fmt}")


def _mutate_cfb(data: bytes, stream: int, changes: list[tuple[int, int]], cut: float) -> bytes:
    ole = olefile.OleFileIO(io.BytesIO(data))
    paths = sorted(p for p in ole.listdir(streams=True, storages=False))
    target = paths[stream % len(paths)]
    tree: dict = {}
    for path in paths:
        body = ole.openstream(path).read()
        if path == target:
            body = _flip(body, changes)[: int(len(body) * cut)]
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = body
    return write_cfb(tree)


@pytest.mark.parametrize("fmt", ["doc", "msg"])
@FUZZ
@given(stream=st.integers(0, 100), changes=edits, cut=st.floats(0.3, 1))
def test_damaged_streams_inside_a_valid_compound_file(
    fmt: str, stream: int, changes: list[tuple[int, int]], cut: float
) -> None:
    _run(EXTRACTORS[fmt], _mutate_cfb(_valid(fmt), stream, changes, cut), f"x.{fmt}")
