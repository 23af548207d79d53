"""notification_list.csv: contacts collected by the engine into the store, deduplicated across files, 0600."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.investigate import LeakedFile
from mamori.investigate.case_records import CaseRecords, Contact
from mamori.investigate.contacts import collect_contacts, read_file_contacts
from mamori.investigate.store import CaseStore
from mamori.report.case.notification import NotificationList, from_store, write_notification_list
from mamori.synth.residents import generate_residents


def collect(leaks: list[LeakedFile], roots: dict[str, Path], store_dir: Path) -> NotificationList:
    with CaseStore(store_dir) as store:
        records = CaseRecords(store)
        collect_contacts(records, leaks, roots)
        listed = from_store(records, leaks)
    assert listed is not None
    return listed


def _write_list(path: Path, people: list[object], header: tuple[str, ...], encoding: str = "cp932") -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for r in people:
        if header[0] == "姓":
            writer.writerow((r.family_name, r.given_name, r.postal_code, r.address, r.phone))  # type: ignore[attr-defined]
        else:
            writer.writerow((r.full_name, r.postal_code, r.address, r.phone))  # type: ignore[attr-defined]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _leak(label: str, sha: str) -> LeakedFile:
    return LeakedFile(server_path=f"/srv/{label}", evidence=(label,), categories=("name", "address"), persons=1,
                      special_care=False, external_accesses=1, crawler_accesses=0, external_ips=("192.0.2.9",),
                      sha256=sha)


def test_people_deduplicated_across_files_and_name_forms(tmp_path: Path) -> None:
    people = generate_residents(60, 5)
    a, b = people[:40], people[25:]  # 15 people in both files
    _write_list(tmp_path / "pc" / "a.csv", list(a), ("氏名", "郵便番号", "住所", "電話番号"))
    _write_list(tmp_path / "pc" / "b.csv", list(b), ("姓", "名", "郵便番号", "住所", "電話番号"), "utf-8")
    listed = collect([_leak("pc/a.csv", "1"), _leak("pc/b.csv", "2"), _leak("pc/a.csv", "1")], {"pc": tmp_path / "pc"},
                     tmp_path / "store")
    assert listed.rows_per_file == {"pc/a.csv": 40, "pc/b.csv": 35}
    assert len(listed.people) == 60
    assert sum(1 for _, files in listed.people.values() if len(files) == 2) == 15
    out = write_notification_list(listed, tmp_path / "out.csv")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:3] == ["氏名", "郵便番号", "住所"] and len(rows) == 61
    assert {r[2] for r in rows[1:]} == {p.address for p in people}


def test_unreadable_and_missing_sources_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "pc").mkdir()
    (tmp_path / "pc" / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    listed = collect([_leak("pc/broken.xlsx", "1"), _leak("pc/gone.csv", "2"), _leak("usb/x.csv", "3")],
                     {"pc": tmp_path / "pc"}, tmp_path / "store")
    assert set(listed.skipped) == {"pc/broken.xlsx", "pc/gone.csv", "usb/x.csv"}
    assert not listed.people


def test_formula_cells_are_neutralised(tmp_path: Path) -> None:
    listed = NotificationList()
    listed.add("pc/f.csv", [Contact(name="=HYPERLINK(\"http://x\")", postal="+81", address="@SUM(1)"),
                            Contact(name="山田 太郎", postal="", address="-1")])
    text = write_notification_list(listed, tmp_path / "n.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row)
    assert ["'=HYPERLINK(\"http://x\")", "'+81", "'@SUM(1)", "1", "pc/f.csv"] in rows


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["x.csv", "x.xlsx", "x.txt", "x.docx", "x"]))
def test_never_raises_on_arbitrary_bytes(data: bytes, name: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / name).write_bytes(data)
        found = read_file_contacts("1", f"pc/{name}", {"pc": Path(folder)})
        assert found.contacts or found.problem  # an unreadable file says why; never raises


def test_not_collected_means_no_list(tmp_path: Path) -> None:
    with CaseStore(tmp_path / "store") as store:
        assert from_store(CaseRecords(store), [_leak("pc/a.csv", "1")]) is None
