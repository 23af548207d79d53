"""An archive's line gives the distinct people of everything inside it: copies in a nested zip, the
same people in other formats, prose naming them without a birth date, lists with traits (issue 12:
a nested zip was reported counted again). Synthetic look-alikes of a backup of a section's folder."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from mamori.scan.runner import Scan, ScanOptions
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render
from mamori.synth.residents import generate_residents

PEOPLE = generate_residents(80, seed=41)


def _roster(people: list, title: str) -> SynthDoc:  # type: ignore[type-arg]
    return SynthDoc(title=title, kind="roster", header=("氏名", "生年月日", "住所"),
                    rows=tuple((p.full_name, p.birth_date.isoformat(), p.address) for p in people))


def _ages(people: list) -> SynthDoc:  # type: ignore[type-arg]
    return SynthDoc(title="参加者", kind="roster", header=("氏名", "年齢", "性別"),
                    rows=tuple((p.full_name, str(30 + i), p.gender) for i, p in enumerate(people)))


def _minutes(people: list) -> SynthDoc:  # type: ignore[type-arg]
    names = "、".join(f"{p.family_name}{p.given_name}" for p in people)
    return SynthDoc(title="議事録", kind="minutes", paragraphs=(f"出席者：{names}（敬称略）", "議事は原案どおり承認された。"))


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("workers", [1, 2])
def test_nested_copies_count_once(tmp_path: Path, workers: int) -> None:
    a, b, c = PEOPLE[:40], PEOPLE[30:60], PEOPLE[60:70]
    files = {"名簿.csv": render(_roster(a, "名簿"), "csv", "cp932"), "名簿.xlsx": render(_roster(a, "名簿"), "xlsx"),
             "追加.csv": render(_roster(b, "追加"), "csv", "cp932"), "参加者.csv": render(_ages(c), "csv", "cp932"),
             "議事録.docx": render(_minutes(c[:5]), "docx")}
    inner = _zip({f"old/{k}": v for k, v in files.items()})
    (tmp_path / "backup.zip").write_bytes(_zip({**files, "古いバックアップ.zip": inner, "copy/名簿.csv": files["名簿.csv"]}))
    scan = Scan([tmp_path], ScanOptions(workers=workers))
    results = {r.path.rsplit("/", 1)[-1]: r for r in scan.results()}
    truth = 70
    assert results["backup.zip"].persons == truth
    assert results["backup.zip!古いバックアップ.zip"].persons == truth
    assert scan.summary.unique_persons == truth


_FIELDS = {"氏名": lambda p: p.full_name, "フリガナ": lambda p: f"{p.family_kana} {p.given_kana}",
           "生年月日": lambda p: p.birth_date.isoformat(), "住所": lambda p: p.address, "電話番号": lambda p: p.phone}


def _list(people: list, title: str, columns: tuple[str, ...] = tuple(_FIELDS)) -> SynthDoc:  # type: ignore[type-arg]
    return SynthDoc(title=title, kind="roster", header=columns,
                    rows=tuple(tuple(_FIELDS[c](p) for c in columns) for p in people))


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_the_same_list_twice_a_nested_copy_and_parts_count_distinct_people(tmp_path: Path, workers: int) -> None:
    # The reported case rebuilt on purpose (540 for 230): the list twice at the top, a third copy in a nested
    # zip, and the same people again split into parts in other formats with other columns (a Word table of
    # names and addresses, a PDF of names and phones — a two-column text layer —, an xlsx of birth dates).
    people = generate_residents(230, seed=77)
    whole = render(_list(people, "名簿"), "csv", "cp932")
    parts = {"part1.docx": render(_list(people[:80], "名簿1", ("氏名", "住所")), "docx"),
             "part2.pdf": render(_list(people[80:150], "名簿2", ("氏名", "電話番号")), "pdf"),
             "part3.xlsx": render(_list(people[150:], "名簿3", ("氏名", "生年月日")), "xlsx")}
    nested = _zip({"名簿_控え.xlsx": render(_list(people, "名簿"), "xlsx"), **{f"分割/{k}": v for k, v in parts.items()}})
    (tmp_path / "leak.zip").write_bytes(_zip({"名簿.csv": whole, "再送/名簿.csv": whole, "inner.zip": nested, **parts}))
    scan = Scan([tmp_path], ScanOptions(workers=workers))
    results = {r.path.split("leak.zip", 1)[-1]: r for r in scan.results()}
    assert results[""].persons == 230  # the zip's own line: distinct people of everything inside
    assert results["!inner.zip"].persons == 230
    assert results["!名簿.csv"].persons == results["!再送/名簿.csv"].persons == 230
    assert [results[f"!{k}"].persons for k in parts] == [80, 70, 80]
    assert [results[f"!inner.zip!分割/{k}"].persons for k in parts] == [80, 70, 80]
    assert scan.summary.unique_persons == 230
