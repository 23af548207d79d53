"""Legacy exports and awkward headers, as synthetic look-alikes: half-width katakana headers and names,
8-digit dates, phones without dashes, a header-less address split over columns, compound role headers
in a Word table, romanised names under English headers."""

from __future__ import annotations

import hashlib

import jaconv
import pytest

from mamori.evidence.limits import Limits
from mamori.models import Item
from mamori.people.keys import KeyMaker
from mamori.scan.inspect import Inspector
from mamori.synth.model import Resident, SynthDoc
from mamori.synth.render.base import render
from mamori.synth.residents import generate_residents

INSPECTOR = Inspector(Limits(), KeyMaker(b"l" * 32))
PEOPLE = generate_residents(40, seed=12)


def _inspect(doc: SynthDoc, fmt: str, encoding: str | None = None) -> tuple[int, set[str]]:
    data = render(doc, fmt, encoding)
    item = Item(path=f"{doc.kind}.{fmt}", size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)
    result = INSPECTOR.inspect(item)[0]
    return result.persons, set(result.categories)


def _half(text: str) -> str:
    return str(jaconv.z2h(text, kana=True, digit=False, ascii=False))


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _romaji(kana: str) -> str:
    return str(jaconv.kana2alphabet(jaconv.kata2hira(kana))).capitalize()


def test_half_width_legacy_export() -> None:
    rows = tuple((f"{p.family_name} {p.given_name}", _half(f"{p.family_kana} {p.given_kana}"),
                  p.birth_date.strftime("%Y%m%d"), p.address, _digits(p.phone)) for p in PEOPLE)
    doc = SynthDoc(title="旧システム出力", kind="legacy", header=("ｼﾒｲ", "ｶﾅｼﾒｲ", "ｾｲﾈﾝｶﾞｯﾋﾟ", "ｼﾞｭｳｼｮ", "ﾃﾞﾝﾜ"),
                   rows=rows)
    persons, categories = _inspect(doc, "csv", "cp932")
    assert persons == len(PEOPLE)
    assert {"name", "name_kana", "birth_date", "address", "phone"} <= categories


def _split(p: Resident) -> tuple[str, ...]:
    return (f"{p.family_name} {p.given_name}", p.birth_date.strftime("%Y%m%d"), p.prefecture, p.city, p.town,
            p.block, _digits(p.phone))


def test_headerless_address_split_over_columns() -> None:
    doc = SynthDoc(title="出力", kind="legacy_split", header=None, rows=tuple(_split(p) for p in PEOPLE))
    persons, categories = _inspect(doc, "csv", "cp932")
    assert persons == len(PEOPLE)
    assert {"name", "birth_date", "address", "phone"} <= categories


@pytest.mark.parametrize("header", ["施設管理者氏名", "申込者氏名", "保護者氏名"])
def test_compound_role_header_in_a_word_table(header: str) -> None:
    rows = tuple((f"{p.family_name}　{p.given_name}", p.phone) for p in PEOPLE[:8])
    doc = SynthDoc(title="届出", kind="compound_header", header=(header, "電話番号"), rows=rows)
    persons, categories = _inspect(doc, "docx")
    assert persons == 8
    assert "name" in categories


def test_romanised_names_under_english_headers() -> None:
    rows = tuple((f"{_romaji(p.given_kana)} {_romaji(p.family_kana)}", f"user{i}@example.com", p.phone)
                 for i, p in enumerate(PEOPLE[:12]))
    doc = SynthDoc(title="members", kind="romanised", header=("Name", "Email", "Phone"), rows=rows)
    persons, categories = _inspect(doc, "csv")
    assert persons == 12
    assert {"name", "email", "phone"} <= categories


@pytest.mark.parametrize("label", ["Name", "Full name", "氏名"])
def test_romanised_name_after_a_label_in_text(label: str) -> None:
    p = PEOPLE[20]
    name = f"{_romaji(p.given_kana)} {_romaji(p.family_kana)}"
    text = f"{label}: {name}\nEmail: user@example.com\nPhone: {p.phone}"
    doc = SynthDoc(title="form", kind="form_en", paragraphs=(text,))
    persons, categories = _inspect(doc, "txt")
    assert persons == 1 and "name" in categories


def test_company_name_label_is_not_a_person() -> None:
    doc = SynthDoc(title="form", kind="form_en", paragraphs=("Company name: Acme Trading", "Phone: 03-1234-5678"))
    _, categories = _inspect(doc, "txt")
    assert "name" not in categories


@pytest.mark.parametrize("label", ["Name", "Full name", "NAME", "氏名", "お名前"])
def test_romanised_name_after_a_label_in_running_text(label: str) -> None:
    # A form filled in English, as text (a mail body, a Word paragraph): "Name: Taro Yamada".
    for p in PEOPLE[:6]:
        name = f"{_romaji(p.given_kana)} {_romaji(p.family_kana)}"
        text = f"Application form\n{label}: {name}\nPhone: {p.phone}\nCompany name: Example Trading\n"
        doc = SynthDoc(title="application", kind="romanised", paragraphs=tuple(text.split("\n")))
        persons, categories = _inspect(doc, "txt", "utf-8")
        assert persons == 1 and "name" in categories, text
