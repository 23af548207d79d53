"""The yearly report: distinct people carried over a year's exports (not a sum), the other figures, the heads'
TOTP sign-off (recorded, audited, figures frozen), XLSX and PDF for the council."""

from __future__ import annotations

import io
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.utils import timezone
from guard_helpers import World, audit_actions, csv_of
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from mamori.errors import InvalidTransition, PermissionDenied
from mamori.guard.accounts.services import AuthenticationFailed
from mamori.guard.exports import approvals, redeem, services
from mamori.guard.exports.grants import grant_verifier, verify_grant
from mamori.guard.exports.models import ExportRequest, Grant
from mamori.guard.media.models import Medium, MediumState
from mamori.guard.register import yearly
from mamori.guard.register.models import ExportPeople, YearlySignOff
from mamori.guard.register.people import pack, unpack


def export(world: World, user: Any, blob: bytes, name: str = "名簿.csv") -> ExportRequest:
    """Request, approve and write one export of `blob` (the whole flow, as the agent reports it)."""
    medium = world.medium_a if user.department_id == world.dept_a.pk else world.medium_b
    head = world.head_a if user.department_id == world.dept_a.pk else world.head_b
    request = services.submit(user, [services.Upload(name, [blob])], medium, "研修", "研修センター",
                              timezone.now() + timezone.timedelta(days=2))
    request = approvals.decide(head, request, "approve", current_code(head), "確認済み")
    grant = Grant.objects.get(request=request)
    document = verify_grant(grant.envelope, grant_verifier(Path(str(world_home(world)))))
    redeem.redeem("endpoint:pc-1", grant, {"medium": medium.identity(), "files": [
        {"sha256": f["sha256"], "size": f["size"]} for f in document["files"]]})
    return ExportRequest.objects.get(pk=request.pk)


def current_code(user: Any) -> str:
    """A code of this or the next time step (not the previous one: a loaded machine may pass the step)."""
    user.refresh_from_db(fields=["totp_last_step"])
    totp = pyotp.TOTP(user.totp_secret)
    return totp.generate_otp(max(int(time.time() // totp.interval), user.totp_last_step + 1))


def world_home(world: World) -> Path:
    from django.conf import settings as django_settings

    return Path(django_settings.MAMORI_HOME)


def test_the_same_people_in_two_exports_count_once(world: World, home: Path) -> None:
    roster = csv_of("resident_list", 6, seed=1)
    first = export(world, world.alice, roster)
    second = export(world, world.aaron, roster, "名簿_写し.csv")  # the same residents again
    other = export(world, world.bob, csv_of("resident_list", 4, seed=2))
    assert first.persons == second.persons > 0 and other.persons > 0
    year = yearly.fiscal_year_of(timezone.now())
    a = yearly.figures(world.dept_a, year)
    assert a.written == 2 and a.people_carried_sum == 2 * first.persons
    assert a.people_carried == first.persons  # each resident once, not twice
    city = yearly.figures(None, year)
    assert city.people_carried == first.persons + other.persons and city.written == 3
    # Only keyed hashes are kept: no value of the roster is in what is stored.
    stored = b"".join(bytes(p.records) for p in ExportPeople.objects.all())
    for value in ("山田", "東京都", "19"):
        assert value.encode() not in stored


def test_an_export_without_kept_people_adds_its_count(world: World, home: Path) -> None:
    first = export(world, world.alice, csv_of("resident_list", 5, seed=6))
    export(world, world.aaron, csv_of("resident_list", 5, seed=6))
    ExportPeople.objects.filter(request=first).delete()  # scanned by an older guard
    figures = yearly.figures(world.dept_a, yearly.fiscal_year_of(timezone.now()))
    assert figures.people_carried == figures.people_carried_sum == 2 * first.persons


def test_people_of_exports_in_another_fiscal_year_are_not_counted(world: World, home: Path) -> None:
    request = export(world, world.alice, csv_of("resident_list", 5, seed=3))
    Grant.objects.filter(request=request).update(redeemed_at=timezone.make_aware(datetime(2020, 3, 31, 23, 59)))
    assert yearly.figures(world.dept_a, 2019).people_carried == request.persons
    assert yearly.figures(world.dept_a, 2020).people_carried == 0
    assert yearly.figures(world.dept_a, 2020).written == 0


@pytest.mark.parametrize(("moment", "year"), [
    (datetime(2026, 3, 31, 23, 59), 2025), (datetime(2026, 4, 1, 0, 0), 2026), (datetime(2027, 1, 5), 2026)])
def test_fiscal_year_starts_in_april(moment: datetime, year: int) -> None:
    assert yearly.fiscal_year_of(timezone.make_aware(moment)) == year


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.binary(min_size=1, max_size=40), min_size=1, max_size=4), max_size=30))
def test_keys_pack_round_trip(records: list[list[bytes]]) -> None:
    assert unpack(pack(records)) == [tuple(r) for r in records]


def test_media_and_register_changes_are_counted(world: World) -> None:
    Medium.objects.filter(pk=world.medium_a.pk).update(state=MediumState.LOST)
    year = yearly.fiscal_year_of(timezone.now())
    assert yearly.figures(world.dept_a, year).media_lost == 1
    assert yearly.figures(world.dept_b, year).media_lost == 0


def test_head_signs_with_totp_once_and_the_figures_are_kept(world: World, home: Path, as_user: Any) -> None:
    year = yearly.fiscal_year_of(timezone.now())
    with pytest.raises(AuthenticationFailed):
        yearly.sign(world.head_a, world.dept_a, year, "000000")
    with pytest.raises(PermissionDenied):
        yearly.sign(world.head_b, world.dept_a, year, current_code(world.head_b))
    signed = yearly.sign(world.head_a, world.dept_a, year, current_code(world.head_a))
    assert signed.digest == yearly.digest_of(world.dept_a, year, signed.figures)
    with pytest.raises(InvalidTransition):
        yearly.sign(world.head_a, world.dept_a, year, current_code(world.head_a))
    assert "report.yearly_signed" in audit_actions(home)
    # A later export does not change what was signed; the page shows the signed figures.
    export(world, world.alice, csv_of("resident_list", 3, seed=4))
    page = as_user(world.head_a).get(f"/reports/yearly/?year={year}").content.decode()
    assert "✔" in page and signed.digest[:16] in page
    assert YearlySignOff.objects.get().figures["written"] == 0


def test_sign_off_page_and_downloads(world: World, home: Path, as_user: Any) -> None:
    export(world, world.alice, csv_of("resident_list", 4, seed=5))
    year = yearly.fiscal_year_of(timezone.now())
    head = as_user(world.head_a)
    assert head.post("/reports/yearly/sign/", {"department": world.dept_a.pk, "year": year,
                                               "code": "123456"}).status_code == 403
    answer = head.post("/reports/yearly/sign/", {"department": world.dept_a.pk, "year": year,
                                                 "code": current_code(world.head_a)})
    assert answer.status_code == 302 and YearlySignOff.objects.filter(department=world.dept_a).exists()
    assert as_user(world.alice).get("/reports/yearly/").status_code == 403
    admin = as_user(world.admin)
    page = admin.get(f"/reports/yearly/?year={year}").content.decode()
    assert "選挙管理委員会事務局" in page and "市民課" in page
    book = CalamineWorkbook.from_filelike(io.BytesIO(admin.get(f"/reports/yearly.xlsx?year={year}").content))
    rows = book.get_sheet_by_index(0).to_python()
    assert len(rows[0]) == 4  # the line's name, two departments, the whole city
    written = next(r for r in rows if r[0] in ("書出し件数", "Exports written"))
    assert [int(v) for v in written[1:]] == [1, 0, 1]
    signed_row = next(r for r in rows if r[0] in ("確認（所属長）", "Signed off"))
    assert world.head_a.label in str(signed_row[1]) and signed_row[2] == "—"
    pdf = admin.get(f"/reports/yearly.pdf?year={year}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
