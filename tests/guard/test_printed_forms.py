"""Printed forms: 持出し申請書 per request and 媒体管理台帳 with its history, as PDF (text read back) and XLSX."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from guard_helpers import World, approve, submit
from python_calamine import CalamineWorkbook

from mamori.guard.media import services as media_services

pytest.importorskip("weasyprint", reason="printing needs WeasyPrint (the [pdf] extra)")


ARTIFACTS = Path(os.environ.get("MAMORI_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")


def keep_first_page(data: bytes, name: str) -> None:
    """The first page as a PNG under test-artifacts/screenshots/, for a person to look at."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    pypdfium2.PdfDocument(data)[0].render(scale=1.5).to_pil().save(folder / f"{name}.png")


def pdf_text(data: bytes) -> list[str]:
    assert data[:5] == b"%PDF-"
    document = pypdfium2.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def sheets(data: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_request_form(world: World, home: Path, as_user: Any) -> None:
    request = submit(world.alice, world, rows=12)
    approve(world.head_a, request)
    head = as_user(world.head_a)
    pdf = head.get(f"/requests/{request.pk}/form.pdf")
    assert pdf.status_code == 200 and "attachment" in pdf["Content-Disposition"]
    text = "".join(pdf_text(pdf.content)).replace("\r\n", "")
    keep_first_page(pdf.content, "20-printed-export-form")
    for expected in ("持出し申請書", "申請番号", "名簿.csv", "研修会の受付名簿", "市民課USB-1", "承認", "head_a", "未実行"):
        assert expected in text, expected
    book = sheets(head.get(f"/requests/{request.pk}/form.xlsx").content)
    first = next(iter(book.values()))
    assert ["申請番号", str(request.pk)] in [row[:2] for row in first]
    files = book["ファイル"]
    assert files[0][1] == "ファイル名" and files[1][1] == "名簿.csv" and files[1][6] == 12
    assert as_user(world.bob).get(f"/requests/{request.pk}/form.pdf").status_code == 404  # not his department's


def test_media_ledger_with_history(world: World, home: Path, as_user: Any) -> None:
    media_services.transition(world.admin, world.medium_a, "lent", world.alice, "研修会で使用")
    media_services.transition(world.admin, world.medium_a, "returned", None, "")
    auditor = as_user(world.auditor)
    ledger = auditor.get("/media/ledger.pdf").content
    keep_first_page(ledger, "21-printed-media-ledger")
    text = "".join(pdf_text(ledger)).replace("\r\n", "")
    assert "外部記録媒体管理台帳" in text and "市民課USB-1" in text and "選管USB-1" in text
    assert text.count("medium.changed") == 2
    book = sheets(auditor.get("/media/ledger.xlsx").content)
    history = book["履歴"]
    assert [row[0] for row in history[1:]].count("市民課USB-1") == 2
    head_b = sheets(as_user(world.head_b).get("/media/ledger.xlsx").content)["外部記録媒体管理台帳"]
    assert [row[0] for row in head_b[1:]] == ["選管USB-1"]  # a head sees their own department's media
    assert as_user(world.alice).get("/media/ledger.pdf").status_code == 403


def test_ledger_rows_are_never_split_across_pages(world: World, home: Path, as_user: Any) -> None:
    for n in range(70):
        media_services.register(world.admin, vendor_id="0930", product_id="6545", serial=f"SN-{n:04d}",
                                capacity_bytes=16 << 30, label=f"予備媒体{n:02d}号（長い名称の例として書庫保管分）",
                                department=world.dept_a, encrypted=True)
    pages = [page.replace("\r\n", "") for page in pdf_text(as_user(world.admin).get("/media/ledger.pdf").content)]
    assert len(pages) >= 2
    for n in range(70):
        label, serial = f"予備媒体{n:02d}号", f"SN-{n:04d}"
        holding = [i for i, page in enumerate(pages) if serial in page and label in page]
        assert holding, f"row {n} is split between pages (or missing)"
