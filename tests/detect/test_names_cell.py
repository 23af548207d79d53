"""Names in table cells: full names score high, one part lower, hard negatives zero."""

from __future__ import annotations

import jaconv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.detect.names.cell import name_score, split_name
from mamori.detect.names.lexicon import FREQUENT_GIVEN, SURNAME, fold, lexicon
from mamori.synth.residents import generate_residents


@pytest.mark.parametrize(("cell", "split"), [
    ("山田 太郎", ("山田", "太郎")),
    ("山田　太郎", ("山田", "太郎")),
    ("山田太郎", ("山田", "太郎")),
    ("髙橋一郎", ("高橋", "一郎")),  # variant kanji folded
    ("﨑山 花子", ("崎山", "花子")),
    ("齋藤 陽翔", ("斉藤", "陽翔")),
    ("渡邊　澤子", ("渡辺", "沢子")),
    ("ﾔﾏﾀﾞ ﾀﾛｳ", ("ヤマダ", "タロウ")),  # half-width katakana
    ("ヤマダタロウ", ("ヤマダ", "タロウ")),
    ("やまだ たろう", ("ヤマダ", "タロウ")),
    ("佐藤 ウメ", ("佐藤", "ウメ")),
    ("佐藤トメ", ("佐藤", "トメ")),
    ("山田 太郎 様", ("山田", "太郎")),
    ("山田太郎様", ("山田", "太郎")),
    ("鈴木花子殿", ("鈴木", "花子")),
    ("竹山修身", ("竹山", "修身")),
    ("林 薫", ("林", "薫")),
    ("東 一郎", ("東", "一郎")),
    ("小鳥遊 一", ("小鳥遊", "一")),
    ("佐藤　凜", ("佐藤", "凜")),
    ("田中 ジョン", ("田中", "ジョン")),
])
def test_full_names(cell: str, split: tuple[str, str]) -> None:
    assert name_score(cell) >= 0.5
    assert split_name(cell) == split


@pytest.mark.parametrize("cell", ["山田", "鈴木", "中村", "ヤマダ", "さとう", "太郎", "トメ", "花子"])
def test_one_part_scores_lower(cell: str) -> None:
    assert 0.1 < name_score(cell) < 0.5
    assert split_name(cell) is None


@pytest.mark.parametrize("cell", [
    # facilities
    "市民会館", "中央図書館", "公民館", "老人福祉センター", "南区役所", "会議室",
    # companies
    "株式会社山田商店", "山田商店", "鈴木建設", "田中工務店", "佐藤医院",
    # places and towns
    "南瓦町", "東三国ヶ丘町", "大浜北町", "中島町", "大野町", "石川県", "堺市", "北区", "東京", "中央",
    # departments and job titles
    "総務課", "教育委員会", "消防局", "課長", "委員長", "山田課長", "田中部長", "議長",
    # products and generic words
    "ボールペン", "コピー用紙", "インターネット", "サービス", "男", "女", "令和5年", "",
    "090-1234-5678", "yamada@example.jp", "山田太郎山田太郎山田太郎",
])
def test_hard_negatives(cell: str) -> None:
    assert name_score(cell) < 0.5
    assert split_name(cell) is None


def test_synthetic_residents_score_high() -> None:
    people = generate_residents(400, seed=31)
    cells = [p.family_name + "　" + p.given_name for p in people]
    cells += [p.family_name + p.given_name for p in people]
    cells += [str(jaconv.z2h(p.family_kana + " " + p.given_kana, kana=True)) for p in people]
    share = sum(name_score(c) >= 0.5 for c in cells) / len(cells)
    assert share >= 0.97


def test_lexicon_knows_shipped_and_sudachi_names() -> None:
    words = lexicon().words
    assert words[fold("髙橋")] & SURNAME
    assert words[fold("ﾀｶﾊｼ")] & SURNAME
    assert words[fold("ウメ")] & FREQUENT_GIVEN
    assert words.get(fold("勅使河原"), 0) & SURNAME


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_never_raises(text: str) -> None:
    score = name_score(text)
    assert 0.0 <= score < 1.0
    split = split_name(text)
    assert split is None or all(split)
