import pytest

from mamori.detect.address import Address, looks_like_address
from mamori.models import Location
from mamori.normalize.text import nfkc


def found(text: str) -> list[str]:
    return [f.value for f in Address().find(nfkc(text), Location())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("住所：大阪府堺市堺区南瓦町3番1号 サンハイツ101号室です", ["大阪府堺市堺区南瓦町3番1号 サンハイツ101号室"]),
        ("堺市堺区南瓦町３－１に住む", ["堺市堺区南瓦町3-1"]),  # no prefecture, full width
        ("東京都千代田区霞が関二丁目1番2号", ["東京都千代田区霞が関二丁目1番2号"]),  # kanji 丁目
        ("大阪市北区梅田1丁目", ["大阪市北区梅田1丁目"]),
        ("上川郡上川町字旭町123番地", ["上川郡上川町字旭町123番地"]),
        ("所在地：北区中央1-2-3", ["北区中央1-2-3"]),  # a facility's 所在地 is an address
        ("住所 南瓦町3番1号", ["南瓦町3番1号"]),  # no municipality, but labelled
        ("堺市3番目の施策", []),
        ("本市の第3号議案", []),
        ("市民の皆様へ", []),
        ("健康づくり計画 第2次", []),
        ("大阪府堺市で開催", []),  # a place, not an address
        # 丁 without 目, and the particle after an address left out of it (issue 12).
        ("住所は大阪府堺市堺区南瓦町３丁１番２７です", ["大阪府堺市堺区南瓦町3丁1番27"]),
        ("堺市北区中長尾町4丁目7-1の方から", ["堺市北区中長尾町4丁目7-1"]),
        ("堺市堺区南瓦町3番地の2の住民", ["堺市堺区南瓦町3番地の2"]),
        ("住所：南瓦町3丁1番27号にて", ["南瓦町3丁1番27号"]),
    ],
)
def test_address_in_text(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [
        ("大阪府堺市堺区南瓦町3番1号", 1.0, 1.0),
        ("〒590-0078 大阪府堺市堺区南瓦町3-1", 1.0, 1.0),
        ("大阪府　堺市堺区　南瓦町３－１", 1.0, 1.0),
        ("堺市堺区南瓦町3-1", 0.9, 0.9),
        ("南瓦町3-1", 0.7, 0.7),
        ("中央3丁目12-5", 0.5, 0.7),
        ("大阪府堺市", 0.6, 0.6),
        ("堺市", 0.0, 0.5),
        ("山田 太郎", 0.0, 0.0),
        ("2024-01-01", 0.0, 0.0),
        ("総務課", 0.0, 0.0),
        ("", 0.0, 0.0),
    ],
)
def test_looks_like_address(value: str, low: float, high: float) -> None:
    assert low <= looks_like_address(value) <= high
