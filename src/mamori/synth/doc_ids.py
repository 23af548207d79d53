"""Positive tables centred on identity numbers: passports, licences, cards, criminal records, accounts."""

from __future__ import annotations

from mamori.synth.doc_common import (
    Column,
    DocContext,
    address_column,
    build_table,
    date_column,
    derived_number,
    fiscal_label,
    name_columns,
    phone_column,
    plain,
)
from mamori.synth.doc_tables import BANKS
from mamori.synth.model import Resident, SynthDoc
from mamori.synth.variants import format_date, format_kana


def luhn_complete(body: str) -> str:
    """*body* with the Luhn check digit appended (as every payment card number has)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def card_number(person: Resident) -> str:
    """A stable Luhn-valid 16-digit card number (JCB, Visa or Mastercard prefixes)."""
    prefix = ("3528", "4980", "5240")[person.id % 3]
    return luhn_complete(prefix + derived_number(person.id, 71, 11))


def passport_number(person: Resident) -> str:
    """A Japanese-passport-shaped number: two letters and seven digits."""
    letters = ("TK", "TR", "TZ", "MU", "TS")[person.id % 5]
    return letters + derived_number(person.id, 81, 7)


def licence_number(person: Resident) -> str:
    """A driving-licence-shaped 12-digit number: 公安委員会 code 62 (Osaka), year, serial, digits."""
    year = (person.birth_date.year + 18) % 100
    return f"62{year:02d}{derived_number(person.id, 91, 6)}{person.id % 10}0"


def delegation_list(ctx: DocContext) -> SynthDoc:
    """姉妹都市 派遣団員名簿 with passport numbers."""
    rng = ctx.rng
    cols = [plain("No", lambda r, i: str(i)), *name_columns(rng, kana=True),
            Column("旅券番号", ("passport",), lambda r, i: passport_number(r)), date_column(rng),
            phone_column(rng, "携帯電話", prefer_mobile=True)]
    return build_table(ctx, ctx.sample(min_age=15, max_age=70), cols, title="姉妹都市交流 派遣団員名簿",
                       kind="delegation")


def driver_register(ctx: DocContext) -> SynthDoc:
    """公用車運転者登録簿: 所属, 氏名, 免許証番号, 有効期限."""
    rng = ctx.rng
    def expiry(r: Resident, i: int) -> str:
        return format_date(ctx.ref.replace(year=ctx.ref.year + 1 + r.id % 3, day=1), "wareki")

    cols = [plain("所属", lambda r, i: ("総務課", "道路課", "環境課", "福祉課")[r.id % 4]),
            *name_columns(rng, kana=False),
            Column("免許証番号", ("drivers_license",), lambda r, i: licence_number(r)), plain("有効期限", expiry)]
    return build_table(ctx, ctx.sample(min_age=20, max_age=64), cols, title="公用車運転者登録簿",
                       kind="driver_register")


def donor_list(ctx: DocContext) -> SynthDoc:
    """ふるさと納税 寄附者一覧 with card numbers, addresses all over Japan."""
    rng = ctx.rng
    masked = rng.random() < 0.3
    cols = [plain("受付日", lambda r, i: format_date(ctx.ref, "iso")), *name_columns(rng),
            address_column(rng), plain("寄附額", lambda r, i: f"{(1 + r.id % 10) * 10000:,}")]
    if masked:
        # Masked card numbers are not a card number any more; the list is still personal data.
        cols.append(plain("カード番号", lambda r, i: "************" + card_number(r)[-4:]))
    else:
        cols.append(Column("クレジットカード番号", ("credit_card",), lambda r, i: card_number(r)))
    return build_table(ctx, ctx.sample(min_age=20), cols, title=f"{fiscal_label(ctx.ref)} ふるさと納税 寄附者一覧",
                       kind="donor_list")


CRIMES = ("窃盗", "詐欺", "道路交通法違反", "傷害", "公職選挙法違反", "覚醒剤取締法違反", "横領")


def criminal_register(ctx: DocContext) -> SynthDoc:
    """犯罪人名簿 (kept by municipalities to decide voting rights): 罪名, 刑名刑期 (special care)."""
    rng = ctx.rng
    cols = [*name_columns(rng, kana=False), date_column(rng), address_column(rng, "本籍"),
            Column("罪名", ("criminal_record",), lambda r, i: CRIMES[r.id % len(CRIMES)]),
            Column("刑名刑期", ("criminal_record",), lambda r, i: f"懲役{1 + r.id % 5}年 執行猶予{3 + r.id % 2}年"),
            plain("確定日", lambda r, i: format_date(ctx.ref, "wareki"))]
    return build_table(ctx, ctx.sample(min_age=20, k=max(2, ctx.rows // 5)), cols, title="犯罪人名簿",
                       kind="criminal_register")


def account_transfers(ctx: DocContext) -> SynthDoc:
    """児童手当 振込口座一覧: 受給者, 金融機関, 口座番号, 口座名義 (kana)."""
    rng = ctx.rng

    def holder(r: Resident, i: int) -> str:
        return format_kana(r.family_kana, r.given_kana, "halfwidth")

    cols = [*name_columns(rng, kana=False), plain("金融機関", lambda r, i: BANKS[r.id % len(BANKS)]),
            plain("種別", lambda r, i: "普通"),
            Column("口座番号", ("bank_account",), lambda r, i: derived_number(r.id, 52, 7)),
            Column("口座名義", ("name_kana",), holder), plain("支給額", lambda r, i: f"{rng.choice((10000, 15000)):,}")]
    return build_table(ctx, ctx.sample(min_age=22, max_age=55), cols, title="児童手当 振込口座一覧",
                       kind="account_transfers")

