"""Names in running text: morphology plus context, with hard negatives."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.detect.names.prose import find_person_names
from mamori.normalize.text import name_key
from mamori.synth.documents import make_document
from mamori.synth.residents import generate_residents


def _names(text: str) -> set[str]:
    return {name_key(m.name) for m in find_person_names(text)}


@pytest.mark.parametrize(("text", "names"), [
    ("○議長（竹山修身君）　ただいまから本日の会議を開きます。", {"竹山修身"}),
    ("○12番（吉田花子君）　高齢者の見守り施策についてお伺いします。", {"吉田花子"}),
    ("○28番（橋本昭君）　お伺いします。", {"橋本昭"}),
    ("山田議員の質問にお答えします。", {"山田"}),
    ("〒590-0078\n大阪府堺市堺区南瓦町3-1\n髙橋　一郎 様\n令和5年4月1日\n堺市長", {"高橋一郎"}),
    ("山田 太郎 様", {"山田太郎"}),
    ("大島心春 様", {"大島心春"}),
    ("先日、南瓦町にお住まいの佐々木ウメさん（85歳）から相談がありました。", {"佐々木ウメ"}),
    ("対象者：齋藤　陽翔（昭和20年3月2日生、78歳）", {"斉藤陽翔"}),
    ("対象者：平田 昭（昭和24年8月9日生）", {"平田昭"}),
    ("相談者：上野 洋平（ウエノ ヨウヘイ）", {"上野洋平", "ウエノヨウヘイ"}),
    ("相談者：ﾔﾏﾀﾞ ﾀﾛｳ", {"ヤマダタロウ"}),
    ("田中さんと佐藤さんが来庁した。", {"田中", "佐藤"}),
    ("世帯主 中村 トメ", {"中村トメ"}),
    ("○議長（藤田さやか君）　開会します。", {"藤田サヤカ"}),
    ("松本タマヱさん（91歳）", {"松本タマヱ"}),
    # Sudachi reads 阿部隆 as one unknown 人名 token: a known surname and the rest are still a name.
    ("○28番（阿部隆君）　高齢者の見守り施策についてお伺いします。", {"阿部隆"}),
    ("阿部隆さんから電話があった", {"阿部隆"}),
    # A hiragana given name Sudachi tags 人名 after a family name, in a list without honorifics.
    ("出席者：会長 田中俊夫、副会長 高橋さやか、書記 松山拓海（敬称略）", {"田中俊夫", "高橋サヤカ", "松山拓海"}),
    # 菅恵 read as one 名 token; 菅 and 林 are one-character surnames after a role.
    ("会計 岡田慎一、書記 菅恵、班長 西村律子", {"岡田慎一", "菅恵", "西村律子"}),
    ("会長 林 一郎、書記 菅恵子", {"林一郎", "菅恵子"}),
])
def test_names_found(text: str, names: set[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize("text", [
    "○健康福祉局長　お答えいたします。",  # officials named only by title
    "市長は記者会見で述べた。副市長が答弁した。",
    "堺市長　永藤英機",  # no: 永藤英機 is a name, but see below: keep titles alone empty
    "鈴木商店の前を通る。",
    "山本五十六記念館を見学した。",
    "徳川家康公の像がある。",
    "皆様、こんにちは。お客様各位",
    "中央図書館で本を借りた。",
    "東三国ヶ丘町周辺の道路整備事業について",
    "堺市北区長曽根町1234番地",
    "大阪府堺市堺区大和川通3丁目1番",
    "投票日当日に投票できない方は、期日前投票所で投票することができます。",
    "田中",  # a family name alone, no context
    "会長の挨拶に続き、会計報告と書記より報告があった。理事会を開催し委員会で審議した。",  # roles, no names
    "和子さん",  # a given name alone
    "問い合わせ先：建設局 道路部 道路計画課 072-228-7423",
])
def test_no_names(text: str) -> None:
    found = _names(text)
    if text.startswith("堺市長"):
        assert found <= {"永藤英機"}
    else:
        assert found == set()


def test_offsets_point_into_nfkc_text() -> None:
    text = "相談者：ﾔﾏﾀﾞ　ﾀﾛｳ　様"
    norm = unicodedata.normalize("NFKC", text)
    for m in find_person_names(text):
        assert norm[m.start : m.end] == m.name
        assert 0 < m.confidence < 1


@pytest.mark.parametrize("kind", ["letter", "council_minutes", "case_notes", "consultation"])
def test_synthetic_prose_recall(kind: str) -> None:
    people = generate_residents(500, seed=41)
    by_id = {p.id: p for p in people}
    found = total = 0
    for seed in range(15):
        doc = make_document(kind, people, seed=seed)
        names = _names("\n".join(doc.paragraphs))
        for pid in doc.truth.person_ids:
            p = by_id[pid]
            total += 1
            found += name_key(p.family_name + p.given_name) in names or name_key(p.family_name) in names
    assert found / total >= 0.9


@pytest.mark.parametrize("kind", ["official_minutes", "place_prose"])
def test_synthetic_negatives(kind: str) -> None:
    people = generate_residents(100, seed=43)
    for seed in range(15):
        doc = make_document(kind, people, seed=seed)
        assert find_person_names("\n".join(doc.paragraphs)) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_never_raises(text: str) -> None:
    norm = unicodedata.normalize("NFKC", text)
    for m in find_person_names(text):
        assert norm[m.start : m.end] == m.name


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["山田", "太郎", "様", "さん", "君", "（", "）", "　", "ｳﾒ", "髙", "町", "氏名：", "\n", "a"]),
                max_size=30))
def test_never_raises_on_name_like_text(parts: list[str]) -> None:
    text = "".join(parts)
    norm = unicodedata.normalize("NFKC", text)
    for m in find_person_names(text):
        assert norm[m.start : m.end] == m.name
