"""犯罪歴 (要配慮): a person's offences and sentences — not a crime-prevention page or a victim's report."""

import pytest

from mamori.detect.categories import BY_ID
from mamori.detect.criminal_record import CriminalRecord, is_criminal_record_value
from mamori.detect.engine import analyze
from mamori.models import Document, Location, TextBlock
from mamori.normalize.text import nfkc
from mamori.people.keys import KeyMaker


def found(text: str) -> list[str]:
    return [f.value for f in CriminalRecord().find(nfkc(text), Location())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("判決：懲役２年　執行猶予３年", ["懲役2年", "執行猶予3年"]),
        ("罰金30万円の略式命令", ["罰金30万円"]),
        ("禁錮1年6月", ["禁錮1年6月"]),
        ("山田太郎氏は平成30年に窃盗罪で逮捕された", ["窃盗罪", "逮捕"]),
        ("本人には道路交通法違反の前科がある", ["道路交通法違反", "前科"]),
        ("被疑者　佐藤一郎（45歳）を詐欺容疑で書類送検", ["詐欺", "書類送検"]),
        ("前科：傷害（平成25年）", ["傷害"]),  # the label is no finding of its own
        ("相談者の長男（35歳）は、昨年、傷害事件で逮捕された", ["傷害事件", "逮捕"]),
        # A page's words and a victim's report are nobody's record.
        ("特殊詐欺にご注意ください。不審な電話は警察へ。", []),
        ("皆様、振り込め詐欺の被害が増えています", []),
        ("山田様が詐欺被害に遭われた件について", []),
        ("本人確認を装った詐欺に注意", []),
        ("公職選挙法違反となる行為の例", []),
        ("逮捕や起訴の手続きについて解説します", []),
        ("懲役刑の概要", []),
        ("夫婦で参加できる防犯講座。空き巣（窃盗）の手口を学びます", []),
    ],
)
def test_criminal_record(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("value", "ok"),
    [("窃盗", True), ("道路交通法違反", True), ("覚醒剤取締法違反", True), ("公職選挙法違反", True),
     ("懲役3年 執行猶予4年", True), ("懲役２年", True), ("罰金50万円", True), ("詐欺、横領", True), ("傷害罪", True),
     ("窃盗被害", False), ("山田太郎", False), ("3年", False), ("", False), ("刑法", False)],
)
def test_is_criminal_record_value(value: str, ok: bool) -> None:
    assert is_criminal_record_value(nfkc(value)) is ok


def test_a_record_in_prose_makes_the_file_special_care() -> None:
    text = "相談記録\n相談者：河合 利夫\n本人は平成28年に窃盗で有罪判決を受けている。"
    analysis = analyze(Document("txt", blocks=(TextBlock(text),)), KeyMaker(b"k" * 32), "a")
    assert "criminal_record" in analysis.categories and BY_ID["criminal_record"].special_care
