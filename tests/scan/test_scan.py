"""The scan orchestration on small generated trees: statuses, containers, distinct people."""

from __future__ import annotations

from pathlib import Path

from mamori.evidence.limits import Limits
from mamori.models import Status
from mamori.scan.runner import Scan, ScanOptions
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render

ROSTER = SynthDoc(
    title="選挙人名簿",
    kind="roster",
    header=("氏名", "性別", "生年月日", "住所"),
    rows=(("山田　太郎", "男", "昭和45年3月2日", "大阪府堺市堺区南瓦町3番1号"),
          ("髙橋　﨑子", "女", "平成元年5月1日", "大阪府堺市北区東三国ヶ丘町三丁目十二番五号")),
    title_rows=("令和5年度 選挙人名簿",),
)
SAME_PEOPLE = SynthDoc(
    title="名簿", kind="roster", header=("氏名", "生年月日", "住所"),
    rows=(("山田 太郎", "S45.03.02", "堺市堺区南瓦町3-1"),),
)
FACILITIES = SynthDoc(
    title="施設一覧", kind="facility_list", header=("施設名", "所在地", "電話番号"),
    rows=(("堺市役所", "堺市堺区南瓦町3番1号", "072-233-1101"),),
)


def write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def run(paths: list[Path], workers: int = 1) -> tuple[dict[str, object], object]:
    scan = Scan(paths, ScanOptions(workers=workers))
    results = {r.path: r for r in scan.results()}
    return results, scan.summary


def test_statuses_and_distinct_people(tmp_path: Path) -> None:
    write(tmp_path, "a/名簿.xlsx", render(ROSTER, "xlsx"))
    write(tmp_path, "a/同じ人.xlsx", render(SAME_PEOPLE, "xlsx"))
    write(tmp_path, "b/施設.xlsx", render(FACILITIES, "xlsx"))
    write(tmp_path, "b/empty.csv", b"")
    write(tmp_path, "b/broken.xlsx", render(ROSTER, "xlsx")[:700])
    write(tmp_path, "b/blob.bin", bytes(range(256)) * 8)
    results, summary = run([tmp_path])
    base = str(tmp_path)
    roster = results[f"{base}/a/名簿.xlsx"]
    assert roster.status is Status.OK and roster.pii is True and roster.persons == 2  # type: ignore[attr-defined]
    assert {"name", "gender", "birth_date", "address"} <= set(roster.categories)  # type: ignore[attr-defined]
    assert results[f"{base}/b/施設.xlsx"].pii is False  # type: ignore[attr-defined]
    assert results[f"{base}/b/empty.csv"].status is Status.EMPTY  # type: ignore[attr-defined]
    broken = results[f"{base}/b/broken.xlsx"]
    assert broken.status is Status.UNREADABLE and broken.pii is None  # type: ignore[attr-defined]
    assert results[f"{base}/b/blob.bin"].status is Status.UNSUPPORTED  # type: ignore[attr-defined]
    assert summary.unique_persons == 2  # type: ignore[attr-defined]
    assert summary.pii_items == 2 and summary.not_inspected == 2  # type: ignore[attr-defined]


def test_parallel_equals_serial(tmp_path: Path) -> None:
    for i in range(6):
        write(tmp_path, f"d{i}/名簿{i}.xlsx", render(ROSTER if i % 2 else FACILITIES, "xlsx"))
    serial, s1 = run([tmp_path], workers=1)
    parallel, s2 = run([tmp_path], workers=2)
    assert list(serial) == list(parallel)
    assert [(r.status, r.pii, r.persons) for r in serial.values()] == [  # type: ignore[attr-defined]
        (r.status, r.pii, r.persons) for r in parallel.values()]  # type: ignore[attr-defined]
    assert s1.unique_persons == s2.unique_persons == 2  # type: ignore[attr-defined]


def test_too_large_file_is_not_clean(tmp_path: Path) -> None:
    path = write(tmp_path, "big.xlsx", render(ROSTER, "xlsx"))
    scan = Scan([path], ScanOptions(limits=Limits(max_file_bytes=100)))
    [result] = list(scan.results())
    assert result.status is Status.TOO_LARGE and result.pii is None
