"""DelimitedExtractor: CSV/TSV/PSV rendered by synth in every encoding come back cell for cell."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.extract.delimited import DelimitedExtractor, looks_delimited
from mamori.models import Item
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render

HEADER = ("氏名", "フリガナ", "生年月日", "住所", "備考")
ROWS = (
    ("髙橋　﨑子", "ﾀｶﾊｼ ｻｷｺ", "昭和45年3月2日", "大阪府堺市堺区南瓦町３番１号", "①～ソ表ポ"),
    ("山田 太郎", "ﾔﾏﾀﾞ ﾀﾛｳ", "S45.3.2", "堺市北区, 2-3", 'say "hi"\r\nline2'),
    ("ソ\\表|ポ{}[]~@", "", "", "", ""),
)
DOC = SynthDoc(title="名簿", kind="roster", header=HEADER, rows=ROWS, title_rows=("選挙人名簿", "令和6年6月1日現在"))
# EUC-JP cannot hold 髙 (IBM extension): the same roster with 高.
EUC_DOC = SynthDoc(title="名簿", kind="roster", header=HEADER,
                   rows=tuple(tuple(c.replace("髙", "高") for c in r) for r in ROWS), title_rows=("選挙人名簿",))
HEADLESS = SynthDoc(title="list", kind="roster", rows=ROWS[:2])


def _extract(data: bytes, name: str) -> tuple[tuple[tuple[str, ...], ...], str | None]:
    item = Item(path=f"dir/{name}", size=len(data), sha256="", data=data)
    extractor = DelimitedExtractor()
    assert extractor.sniff(data[:8192], item)
    document = extractor.extract(io.BytesIO(data), item)
    assert len(document.tables) == 1
    return document.tables[0].rows, document.encoding


@pytest.mark.parametrize("fmt", ["csv", "tsv", "psv"])
@pytest.mark.parametrize("encoding", ["cp932", "utf-8", "utf-8-sig", "euc-jp"])
@pytest.mark.parametrize("doc", [DOC, HEADLESS], ids=["titled", "headerless"])
def test_round_trip_is_intact(fmt: str, encoding: str, doc: SynthDoc) -> None:
    if encoding == "euc-jp":
        doc = EUC_DOC if doc is DOC else SynthDoc(title="l", kind="roster", rows=EUC_DOC.rows[:2])
    rows, found = _extract(render(doc, fmt, encoding), f"名簿.{fmt}")
    assert rows == tuple(doc.table_rows())
    assert found is not None
    assert found.replace("_", "-").startswith(encoding.split("-")[0])


def test_cp932_pipe_trail_bytes_do_not_split_cells() -> None:
    data = render(DOC, "psv", "cp932")
    assert "ポ".encode("cp932")[1:] == b"|" and b"\x83|" in data
    rows, _ = _extract(data, "x.psv")
    assert rows[3][4] == "①～ソ表ポ"


def test_streams_from_a_file_on_disk(tmp_path: Path) -> None:
    data = render(DOC, "csv", "cp932")
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    item = Item(path="roster.csv", size=len(data), sha256="", fs_path=path)
    with item.open() as stream:
        document = DelimitedExtractor().extract(stream, item)
    assert document.tables[0].rows == tuple(DOC.table_rows())
    assert document.format == "csv"


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("a,b,c\r\n1,2\r\n3,4,5,6\r\n", (("a", "b", "c"), ("1", "2"), ("3", "4", "5", "6"))),
        ('a,"multi\nline",c\n\nx,y,z\n', (("a", "multi\nline", "c"), (), ("x", "y", "z"))),
        ("a;b;c\n1;2;3\n", (("a", "b", "c"), ("1", "2", "3"))),
        ("only one column\nsecond\n", (("only one column",), ("second",))),
        ('a,"unterminated\n', (("a", "unterminated\n"),)),
    ],
    ids=["ragged", "embedded-newline", "semicolon", "one-column", "unterminated-quote"],
)
def test_shapes(text: str, rows: tuple[tuple[str, ...], ...]) -> None:
    data = text.encode("utf-8")
    got, _ = _extract(data, "x.csv")
    assert got == rows


@pytest.mark.parametrize(
    ("name", "data", "claimed"),
    [
        ("a.csv", b"x,y\n", True),
        ("a.tsv", "氏名\t住所\n".encode("cp932"), True),
        ("a.txt", "氏名\t住所\n山田\t堺市\n鈴木\t大阪\n".encode("cp932"), True),
        ("a.dat", "no,name,addr,tel\n1,山田,堺市,072\n2,鈴木,大阪,06\n".encode("cp932"), True),
        ("a", b"id|name|zip\n1|a|590\n2|b|591\n3|c|592\n", True),
        ("a.txt", "本日は晴天なり。\n住民の皆様へ、お知らせです。\n以上\n".encode("cp932"), False),
        ("a.txt", b"Hello, world.\nThis is prose, with commas.\nNothing tabular here.\n", False),
        ("a.csv", b"\x00\x01\x02PK\x03\x04" * 20, False),
        ("a.log", b"", False),
    ],
)
def test_sniff(name: str, data: bytes, claimed: bool) -> None:
    item = Item(path=name, size=len(data), sha256="", data=data)
    assert DelimitedExtractor().sniff(data[:8192], item) is claimed


def test_looks_delimited_needs_three_rows() -> None:
    assert not looks_delimited("a,b,c\n1,2,3\n", at_end=True)
    assert looks_delimited("a,b,c\n1,2,3\n4,5,6\n", at_end=True)


# Tokens, not free characters: a voicing mark after a kana that takes none (ｱﾞ) is not Japanese, and two
# such bytes are honestly EUC-JP (厭); the encoding table in test_encoding.py covers ambiguity.
_CELL = st.lists(st.sampled_from([*"山田髙﨑①～ソ表ポｱﾔﾏ　abc ,\"|\t\n\r;0\\", "ﾀﾞ", "ﾊﾟ"]), max_size=12).map("".join)


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 5).flatmap(lambda w: st.lists(st.tuples(*[_CELL] * w), min_size=1, max_size=8)),
       st.sampled_from(["cp932", "utf-8"]))
def test_random_cells_round_trip(rows: list[tuple[str, ...]], encoding: str) -> None:
    # Under a header of ordinary words, as files have one: a file whose only non-ASCII is a cell like 﨑①
    # is valid UTF-8 and valid CP932 at once (ED 95 87 40), which is test_encoding.py's subject, not this one's.
    header = ("氏名", "住所", "電話番号", "備考", "区分")[: len(rows[0])]
    doc = SynthDoc(title="t", kind="roster", header=header, rows=tuple(rows))
    got, _ = _extract(render(doc, "csv", encoding), "r.csv")
    assert got == tuple(doc.table_rows())


def test_a_long_quoted_note_is_one_field() -> None:
    # Past csv's default 128 KiB limit the row would be skipped and the note's lines read as rows.
    note = "長文の備考。\r\n" * 30_000
    doc = SynthDoc(title="名簿", kind="roster", header=HEADER, rows=(ROWS[0], (*ROWS[1][:4], note), ROWS[2]))
    rows, _ = _extract(render(doc, "csv", "cp932"), "notes.csv")
    assert rows[-3:] == ((*ROWS[0],), (*ROWS[1][:4], note), (*ROWS[2],))


@pytest.mark.parametrize("closed_after", [1, 3, 12])
def test_a_quote_closed_rows_later_is_a_note_only_when_it_took_in_few_rows(closed_after: int) -> None:
    # A note over a few lines that happen to hold commas stays one field; a stray quote that a later stray
    # quote closes, many rows on, gives those rows back one by one.
    rows = [f"{i},住所{i},090-0000-{i:04d}" for i in range(20)]
    rows[2] = '2,住所2,"備考あり'
    rows[2 + closed_after] += '"'
    data = ("番号,住所,電話番号\r\n" + "\r\n".join(rows) + "\r\n").encode("utf-8")
    got, _ = _extract(data, "r.csv")
    if closed_after < 5:
        assert len(got) == 1 + 20 - closed_after
    else:
        assert len(got) == 1 + 20 and got[5] == ("4", "住所4", "090-0000-0004")
