"""People's roles: residents, staff (titles, signatures, staff lists) and businesses, kept apart.
Documents are synthetic look-alikes built from mamori.synth residents."""

from __future__ import annotations

import pytest

from mamori.detect.engine import analyze
from mamori.models import ROLE_BUSINESS, ROLE_STAFF, Document, ItemResult, Status, Table, TextBlock
from mamori.people.keys import KeyMaker
from mamori.scan.runner import Scan, ScanOptions
from mamori.synth.residents import generate_residents

KM = KeyMaker(b"r" * 32)
PEOPLE = generate_residents(12, seed=21)


def _roles(document: Document) -> tuple[int, dict[str, int]]:
    analysis = analyze(document, KM, "doc")
    counts = {role: len(set(keys)) for role, keys in analysis.role_keys}
    return analysis.persons, counts


def _letter(resident: int, staff: int, signer: int) -> str:
    r, s, g = PEOPLE[resident], PEOPLE[staff], PEOPLE[signer]
    return (f"市民相談記録\n{r.family_name}{r.given_name}様より道路の補修について要望があった。\n"
            f"{s.family_name}{s.given_name}課長が現地を確認した。後日、{s.family_name}課長から"
            f"{r.family_name}様へ結果を説明した。\n担当：道路課 {g.family_name} {g.given_name}\n")


def test_letter_tells_staff_from_residents() -> None:
    persons, roles = _roles(Document("txt", blocks=(TextBlock(_letter(0, 1, 2)),)))
    assert persons == 3
    assert roles == {ROLE_STAFF: 2}


def test_surname_and_title_is_staff_not_a_new_resident() -> None:
    s = PEOPLE[3]
    text = f"{s.family_name}課長が説明し、委員から質問があった。{s.family_name}課長が答弁した。"
    persons, roles = _roles(Document("txt", blocks=(TextBlock(text),)))
    assert persons == roles.get(ROLE_STAFF, 0) <= 1


@pytest.mark.parametrize("header,role", [
    (("職員氏名", "所属", "内線"), ROLE_STAFF),
    (("氏名", "役職", "内線"), ROLE_STAFF),
    (("代表者氏名", "事業所名", "電話番号"), ROLE_BUSINESS),
    (("氏名", "住所", "電話番号"), None),
])
def test_table_role_from_header(header: tuple[str, str, str], role: str | None) -> None:
    rows = tuple((f"{p.family_name} {p.given_name}", "福祉課" if header[1] != "住所" else p.address, p.phone)
                 for p in PEOPLE[:6])
    persons, roles = _roles(Document("csv", tables=(Table((header, *rows)),)))
    assert persons == 6
    assert roles == ({role: 6} if role else {})


def test_contract_people_by_role_and_summary(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "letter.txt").write_text(_letter(4, 5, 6), encoding="utf-8")
    staff = "職員氏名,所属\n" + "".join(f"{p.family_name} {p.given_name},福祉課\n" for p in PEOPLE[5:9])
    (tmp_path / "staff.csv").write_text(staff, encoding="utf-8")
    scan = Scan([tmp_path], ScanOptions(workers=1))
    results: dict[str, ItemResult] = {r.path.rsplit("/", 1)[-1]: r for r in scan.results()}
    letter = results["letter.txt"].contract()
    assert letter["people_by_role"] == {"resident": 1, "staff": 2, "business": 0}
    assert results["staff.csv"].contract()["people_by_role"] == {"resident": 0, "staff": 4, "business": 0}
    summary = scan.summary.contract()
    # PEOPLE[5] (the 課長) and PEOPLE[6] (who signs) are on the staff list too: each is one member of staff.
    assert summary["unique_persons"] == 5
    assert summary["unique_staff"] == 4 and summary["unique_residents"] == 1
    assert all(r.status is Status.OK for r in results.values())
