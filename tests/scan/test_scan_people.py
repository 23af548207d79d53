"""Distinct people through the real scan path: across formats, and through the column-wise CSV reader."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from mamori.models import ColumnRows, Item, Status
from mamori.scan import columnar
from mamori.scan.runner import Scan, ScanOptions
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render
from mamori.synth.residents import generate_residents
from mamori.synth.variants import BLOCK_STYLES, format_address, format_date, format_name

PEOPLE = generate_residents(40, seed=7)
HEADER = ("氏名", "生年月日", "住所")


def _rows(start: int, stop: int, variant: int) -> tuple[tuple[str, ...], ...]:
    rows = []
    for r in PEOPLE[start:stop]:
        name = format_name(r.family_name, r.given_name, ("fw_space", "hw_space", "nospace")[variant % 3])
        birth = format_date(r.birth_date, ("wareki", "letter_dot_pad", "iso", "code7")[variant % 4])
        address = format_address(r.prefecture, r.city, r.town, r.block, r.building,
                                 block_style=BLOCK_STYLES[variant % len(BLOCK_STYLES)],
                                 with_prefecture=variant % 2 == 0, postal_code=r.postal_code if variant == 2 else "")
        rows.append((name, birth, address))
    return tuple(rows)


def _csv(rows: tuple[tuple[str, ...], ...], encoding: str = "cp932") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows((HEADER, *rows))
    return out.getvalue().encode(encoding)


def _scan(paths: list[Path], workers: int = 1) -> tuple[dict[str, object], int]:
    scan = Scan(paths, ScanOptions(workers=workers))
    results = {Path(r.path).name: r for r in scan.results()}
    assert scan.summary is not None
    return results, scan.summary.unique_persons


def test_the_same_resident_in_two_files_counts_once(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes("氏名,生年月日,住所\r\n山田　太郎,昭和45年3月2日,大阪府堺市堺区南瓦町3番1号\r\n"
                                     .encode("cp932"))
    (tmp_path / "b.csv").write_bytes("氏名,生年月日,住所\n山田 太郎,S45.03.02,堺市堺区南瓦町3-1\n".encode())
    results, unique = _scan([tmp_path])
    assert [r.persons for r in results.values()] == [1, 1]  # type: ignore[attr-defined]
    assert unique == 1


@pytest.mark.parametrize("workers", [1, 2])
def test_the_same_residents_across_formats_count_once(tmp_path: Path, workers: int) -> None:
    title = ("令和5年度 名簿",)
    (tmp_path / "voters.csv").write_bytes(_csv(_rows(0, 30, 0)))
    (tmp_path / "roster.xlsx").write_bytes(render(SynthDoc(title="名簿", kind="roster", header=HEADER,
                                                           rows=_rows(10, 40, 1), title_rows=title), "xlsx"))
    (tmp_path / "list.docx").write_bytes(render(SynthDoc(title="名簿", kind="roster", header=HEADER,
                                                         rows=_rows(20, 35, 2)), "docx"))
    results, unique = _scan([tmp_path], workers)
    assert {name: r.persons for name, r in results.items()} == {  # type: ignore[attr-defined]
        "voters.csv": 30, "roster.xlsx": 30, "list.docx": 15}
    assert unique == 40


def test_columnar_reader_reads_what_the_extractor_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "voters.csv"
    data = _csv((*_rows(0, 40, 0), ("", "", ""), ("佐藤, 花子", "S45.3.2", "\"引用\"の住所\n2行目")))
    path.write_bytes(data)
    item = Item(str(path), len(data), "", fs_path=path)
    document = columnar.read_columnar(item)
    assert document is not None and document.encoding == "cp932"
    rows = document.tables[0].rows
    assert isinstance(rows, ColumnRows)
    expected = list(csv.reader(io.StringIO(data.decode("cp932"), newline="")))
    assert [list(r) for r in rows] == [r or [""] * 3 for r in expected]
    monkeypatch.setattr(columnar, "BIG_DELIMITED_BYTES", 1)
    small, unique_small = _scan([path])
    assert small["voters.csv"].persons == 41 and unique_small == 41  # type: ignore[attr-defined]


@pytest.mark.parametrize("data", [
    "氏名,住所\r山田 太郎,堺市\r佐藤 花子,堺市\r".encode(),  # old Mac line ends
    ("a,b\n" + "1,2\n" * 60 + "1,2,3,4,5,6,7,8,9,10\n").encode(),  # a row wider than the sample
])
def test_columnar_reader_steps_aside_when_unsure(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    assert columnar.read_columnar(Item(str(path), len(data), "", fs_path=path)) is None


def test_a_big_csv_goes_column_wise_and_counts_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mamori.detect import column_people

    monkeypatch.setattr(columnar, "BIG_DELIMITED_BYTES", 1)
    monkeypatch.setattr(column_people, "VECTOR_ROWS", 10)
    monkeypatch.setattr(column_people, "CHUNK_ROWS", 16)
    (tmp_path / "v.csv").write_bytes(_csv(_rows(0, 40, 0) + _rows(0, 40, 1)))
    results, unique = _scan([tmp_path])
    result = results["v.csv"]
    assert result.status is Status.OK and result.persons == 40 and unique == 40  # type: ignore[attr-defined]
    assert {"name", "birth_date", "address"} <= set(result.categories)  # type: ignore[attr-defined]
