"""Awkward files a real file share holds: archives, passwords, damage, bombs — with the status each must get."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mamori.synth.archives import encrypted_zip, nested_zip, sevenzip_bytes, zip_bomb, zip_bytes
from mamori.synth.encrypt import encrypt_office, encrypt_pdf, truncate
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render

#: A roster small enough for tests, with people a scan must find wherever it is hidden.
ROSTER = SynthDoc(
    title="選挙人名簿",
    kind="voter_list",
    header=("氏名", "性別", "生年月日", "住所"),
    rows=(("山田　太郎", "男", "昭和45年3月2日", "大阪府堺市堺区南瓦町3番1号"),
          ("髙橋　﨑子", "女", "平成元年5月1日", "大阪府堺市北区東三国ヶ丘町三丁目十二番五号"),
          ("ｿﾌﾞｴ ﾀﾛｳ", "男", "S52.11.30", "大阪府堺市中区深井清水町３７１２番地")),
    title_rows=("令和5年度 選挙人名簿（抄本）",),
)


@dataclass(frozen=True)
class Awkward:
    """One awkward file: where it is written and the status (and pii) a correct scan reports."""

    path: str
    status: str
    pii: bool | None


def write_awkward(root: Path) -> list[Awkward]:
    """Write the awkward files under *root*; the expected results, members included."""
    csv = render(ROSTER, "csv", "cp932")
    xlsx = render(ROSTER, "xlsx")
    pdf = render(ROSTER, "pdf")
    files: dict[str, bytes] = {
        "名簿一式.zip": zip_bytes({"2023/選挙人名簿①.csv": csv, "ソ表/髙橋様.xlsx": xlsx}),
        "入れ子.zip": nested_zip({"名簿.csv": csv}, depth=3),
        "暗号化_zipcrypto.zip": encrypted_zip({"名簿.csv": csv}, "himitsu"),
        "暗号化_aes.zip": encrypted_zip({"名簿.csv": csv}, "himitsu", method="aes"),
        "暗号化.7z": sevenzip_bytes({"名簿.csv": csv}, password="himitsu"),
        "bomb.zip": zip_bomb(members=4, member_mib=300, declared_size=1024),
        "暗号化名簿.xlsx": encrypt_office(xlsx, "himitsu"),
        "壊れた名簿.xlsx": truncate(xlsx, 0.5),
        "暗号化名簿.pdf": encrypt_pdf(pdf, "himitsu"),
        "スキャン.pdf": render(ROSTER, "pdf_image"),
        "空.csv": b"",
        "写真.png": b"\x89PNG\r\n\x1a\n" + bytes(200),
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    inner = "名簿一式.zip"
    return [
        Awkward(inner, "ok", True),
        Awkward(f"{inner}!2023/選挙人名簿①.csv", "ok", True),
        Awkward(f"{inner}!ソ表/髙橋様.xlsx", "ok", True),
        Awkward("入れ子.zip", "ok", True),
        Awkward("入れ子.zip!inner.zip!inner.zip!名簿.csv", "ok", True),
        Awkward("暗号化_zipcrypto.zip!名簿.csv", "encrypted", None),
        Awkward("暗号化_aes.zip!名簿.csv", "encrypted", None),
        Awkward("暗号化_zipcrypto.zip", "ok", None),
        Awkward("暗号化.7z", "encrypted", None),
        Awkward("暗号化名簿.xlsx", "encrypted", None),
        Awkward("壊れた名簿.xlsx", "unreadable", None),
        Awkward("暗号化名簿.pdf", "encrypted", None),
        Awkward("スキャン.pdf", "needs_ocr", None),
        Awkward("空.csv", "empty", False),
        Awkward("写真.png", "needs_ocr", None),  # an image: only OCR could read it
    ]
