import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.normalize.address import canonical_address, kanji_to_int
from mamori.normalize.text import digits, name_key, nfkc


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("大阪府堺市堺区南瓦町３番１号", "大阪府堺市堺区南瓦町3-1"),
        ("堺市北区東三国ヶ丘町三丁目十二番五号", "堺市北区東三国ヶ丘町3-12-5"),
        ("堺市北区東三国ヶ丘町３丁目１２－５", "堺市北区東三国ヶ丘町3-12-5"),
        ("〒590-0078 堺市堺区南瓦町3ー1", "堺市堺区南瓦町3-1"),
        ("堺市西区鳳東町二十五番地の三", "堺市西区鳳東町25-3"),
        ("東京都千代田区永田町１丁目７番１号　サンハイツ２０１", "東京都千代田区永田町1-7-1サンハイツ201"),
    ],
)
def test_address_forms_agree(a: str, b: str) -> None:
    assert canonical_address(a) == canonical_address(b)


@pytest.mark.parametrize(("text", "value"), [("一", 1), ("十", 10), ("十二", 12), ("二十五", 25), ("百三", 103),
                                              ("千二百", 1200), ("一二", 12), ("〇", 0)])
def test_kanji_numerals(text: str, value: int) -> None:
    assert kanji_to_int(text) == value


@pytest.mark.parametrize(
    ("a", "b"),
    [("山田　太郎", "山田 太郎"), ("髙橋 﨑子", "高橋崎子"), ("齋藤", "斉藤"), ("やまだ たろう", "ヤマダタロウ"),
     ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ")],
)
def test_name_keys_agree(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_dashes_between_digits() -> None:
    assert nfkc("０７２ー２２８ー７９０７") == "072-228-7907"
    assert nfkc("072‐228−7907") == "072-228-7907"
    assert digits("０７２ー２２８") == "072228"


@given(st.text(max_size=80))
def test_normalisers_never_raise(text: str) -> None:
    canonical_address(text)
    name_key(text)
    nfkc(text)
