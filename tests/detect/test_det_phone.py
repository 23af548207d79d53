import pytest

from mamori.detect.phone import PhoneJp, area_codes, is_allocated_jp_number, is_valid_phone
from mamori.models import Location
from mamori.normalize.text import nfkc


def found(text: str) -> list[tuple[str, float]]:
    return [(f.value, f.confidence) for f in PhoneJp().find(nfkc(text), Location())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TEL 072-228-7907", [("072-228-7907", 0.95)]),
        ("電話：０７２ー２２８ー７９０７", [("072-228-7907", 0.95)]),  # full width, long-vowel dash
        ("電話 072‐228‐7907", [("072-228-7907", 0.95)]),  # hyphen U+2010
        ("電話 072−228−7907", [("072-228-7907", 0.95)]),  # minus U+2212
        ("電話 072―228―7907", [("072-228-7907", 0.95)]),  # horizontal bar
        ("電話 072ｰ228ｰ7907", [("072-228-7907", 0.95)]),  # half-width prolonged sound
        ("携帯 090-1234-5678", [("090-1234-5678", 0.95)]),
        ("(06)6208-7070", [("(06)6208-7070", 0.7)]),
        ("072(228)7907", [("072(228)7907", 0.7)]),
        ("03 1234 5678", [("03 1234 5678", 0.7)]),
        ("IP電話 050-1234-5678", [("050-1234-5678", 0.95)]),
        ("0120-123-456", [("0120-123-456", 0.7)]),
        ("0800-123-4567", [("0800-123-4567", 0.7)]),
        ("ナビダイヤル 0570-012-345", [("0570-012-345", 0.7)]),
        ("+81-90-1234-5678", [("+81-90-1234-5678", 0.7)]),
        ("+81 (0)72-228-7907", [("+81 (0)72-228-7907", 0.7)]),
        ("連絡先 09012345678", [("09012345678", 0.95)]),
        ("0721-23-4567", [("0721-23-4567", 0.7)]),  # 富田林: allocated
        ("堺市役所（072-233-1101）", []),  # an office's number is not a person's
        ("問い合わせ先　介護保険課 TEL 072-228-7907", []),  # a letter's footer
        ("健康推進課 山田（直通 072-228-7907）", []),  # a section's direct line
        ("担当課 072-228-7907\n携帯 090-1234-5678", [("090-1234-5678", 0.95)]),  # the next line is a person's
        ("課長 山田 様 携帯 090-1234-5678", [("090-1234-5678", 0.95)]),
        ("TEL:03-1234-5678/FAX:03-1234-5679", [("03-1234-5678", 0.95), ("03-1234-5679", 0.95)]),
        ("09012345678", []),  # a bare digit run without a label could be any ID
        # 〓: the geta mark a failed conversion (EUC-JP, ISO-2022-JP) leaves where the dash was.
        ("連絡先：０９０〓９４８２〓４２９６（本人）", [("090-9482-4296", 0.95)]),
        ("０６〓６６２５〓６８０１", [("06-6625-6801", 0.7)]),
        ("〓〓〓", []),
        ("090-1234-567", []),  # a digit short
        ("0721-234-567", []),  # area code + exchange must be 6 digits
        ("0130-12-3456", []),  # 0130: not an allocated area code
        ("0300-12-3456", []),  # 030: unallocated
        ("060-1234-5678", []),  # 060: not in service
        ("001-234-5678", []),
        ("品番 123-4567-8901", []),
        ("2024-01-15", []),
        ("金額 1,072,228,790円", []),
        ("3.0721234567", []),
    ],
)
def test_phone_in_text(text: str, expected: list[tuple[str, float]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("value", "ok"),
    [("072-228-7907", True), ("０７２－２２８－７９０７", True), ("0722287907", True), ("090-1234-5678", True),
     ("TEL 03-1234-5678", True), ("0130-12-3456", False), ("12345", False), ("072-228-790", False),
     ("", False), ("山田 太郎", False), ("0120-123-456", True), ("0120-1234-5678", False),
     ("０６〓６６２５〓６８０１", True)],
)
def test_is_valid_phone(value: str, ok: bool) -> None:
    assert is_valid_phone(value) is ok


def test_area_codes_cover_the_big_cities_and_have_plan_lengths() -> None:
    codes = area_codes()
    assert {"03", "06", "011", "022", "045", "052", "072", "075", "078", "092", "0721", "0138"} <= codes
    assert all(2 <= len(c) <= 5 and c.startswith("0") for c in codes)
    assert is_allocated_jp_number("0467-12-3456") and not is_allocated_jp_number("0100-12-3456")
