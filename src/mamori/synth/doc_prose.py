"""Positive prose documents: letters, council minutes, case notes, consultation records."""

from __future__ import annotations

from collections.abc import Sequence

from mamori.detect.categories import SPECIAL_CARE
from mamori.synth.doc_common import DocContext, derived_number
from mamori.synth.doc_tables import CARE_LEVELS, FINDINGS
from mamori.synth.model import Resident, SynthDoc, Truth
from mamori.synth.variants import (
    BLOCK_STYLES,
    NAME_STYLES,
    PHONE_STYLES,
    format_address,
    format_block,
    format_date,
    format_name,
    format_phone,
)

_NOTICES = (
    ("介護保険料額決定通知書", "令和{y}年度の介護保険料額を下記のとおり決定しましたので通知します。"),
    ("特定健康診査 受診のご案内", "本年度の特定健康診査の受診期間が始まりました。お早めに受診してください。"),
    ("市民税・県民税 還付のお知らせ", "過誤納金が生じましたので、下記の口座へ還付いたします。"),
    ("期日前投票のご案内", "投票日当日に投票できない方は、期日前投票所で投票することができます。"),
)


def _doc(title: str, kind: str, paragraphs: Sequence[str], people: Sequence[Resident],
         categories: set[str]) -> SynthDoc:
    truth = Truth(frozenset(p.id for p in people), frozenset(categories), bool(categories & SPECIAL_CARE))
    return SynthDoc(title=title, kind=kind, paragraphs=tuple(paragraphs), truth=truth)


def letter(ctx: DocContext) -> SynthDoc:
    """Letters to residents (``山田 太郎 様`` with 〒 and address); sometimes several merged in one file."""
    rng = ctx.rng
    people = ctx.sample(k=1 if rng.random() < 0.7 else rng.randint(2, 6), min_age=20)
    subject, body = rng.choice(_NOTICES)
    era_year = format_date(ctx.ref, "wareki").split("年")[0].removeprefix("令和")
    name_style, block_style = rng.choice(NAME_STYLES), rng.choice(BLOCK_STYLES)
    paragraphs: list[str] = []
    cats = {"name", "address", "postal_code"}
    for person in people:
        paragraphs += [
            f"〒{person.postal_code}",
            format_address(person.prefecture, person.city, person.town, person.block, person.building,
                           block_style=block_style, with_prefecture=rng.random() < 0.5, building_sep="　"),
            f"{format_name(person.family_name, person.given_name, name_style)} 様",
            format_date(ctx.ref, "wareki"),
            "堺市長",
            subject,
            "平素より市政にご理解とご協力を賜り、厚くお礼申し上げます。" + body.format(y=era_year),
        ]
        if "介護" in subject:
            paragraphs.append(f"被保険者番号　{derived_number(person.id, 11, 10)}")
            cats.add("insurance_number")
        paragraphs.append("問い合わせ先　堺市役所 072-228-7907")
    return _doc(subject, "letter", paragraphs, people, cats)


def council_minutes(ctx: DocContext) -> SynthDoc:
    """議会会議録 naming the members who speak and, sometimes, residents they talk about."""
    rng = ctx.rng
    members = ctx.sample(k=rng.randint(2, 5), min_age=30, max_age=80)
    chair, askers = members[0], members[1:]
    cats = {"name"}
    era = format_date(ctx.ref, "wareki").split("年")[0]
    paras = [f"{era}年第2回堺市議会定例会会議録（第{rng.randint(1, 5)}号）",
             f"○議長（{chair.family_name}{chair.given_name}君）　ただいまから本日の会議を開きます。"]
    people = list(members)
    for n, member in enumerate(askers, start=1):
        paras.append(f"○{rng.randint(1, 48)}番（{member.family_name}{member.given_name}君）　"
                     "高齢者の見守り施策についてお伺いします。")
        if rng.random() < 0.5:
            resident = ctx.sample(k=1, min_age=70)[0]
            if resident.id not in {p.id for p in people}:
                people.append(resident)
                cats.add("age")
                paras.append(f"　先日、{resident.town}にお住まいの{resident.family_name}{resident.given_name}さん"
                             f"（{ctx.age(resident)}歳）から、ひとり暮らしで不安だとのご相談をいただきました。")
        paras.append(f"○健康福祉局長　お答えいたします。第{n}点目の見守り施策につきましては、"
                     "地域包括支援センターと連携し取り組んでまいります。")
    paras.append("○議長　本日はこれで散会いたします。")
    return _doc(paras[0], "council_minutes", paras, people, cats)


def case_notes(ctx: DocContext) -> SynthDoc:
    """ケース記録: one client with birth date, address, diagnoses and care level (special care)."""
    rng = ctx.rng
    client = ctx.sample(k=1, min_age=65)[0]
    level, finding = rng.choice(CARE_LEVELS), rng.choice(FINDINGS[1:])
    phone = client.mobile or client.phone
    paras = [
        "ケース記録",
        f"対象者：{format_name(client.family_name, client.given_name, rng.choice(NAME_STYLES))}"
        f"（{format_date(client.birth_date, 'wareki')}生、{ctx.age(client)}歳）",
        f"住所：{client.city}{client.town}{client.block}{client.building}",
        "世帯状況：独居。長男は東京都在住で、年に数回の来訪あり。",
        f"{format_date(ctx.ref, 'wareki')}　家庭訪問。認知症の進行がみられ、服薬管理ができていない。"
        f"{level}の認定を受けている。{finding}で近医に通院中。",
        "支援方針：訪問介護の回数を増やし、地域包括支援センターと情報共有する。",
    ]
    cats = {"name", "birth_date", "age", "address", "care_need", "health"}
    if phone:
        paras.append(f"連絡先：{format_phone(phone, rng.choice(PHONE_STYLES))}（本人）")
        cats.add("phone")
    return _doc("ケース記録", "case_notes", paras, [client], cats)


def consultation(ctx: DocContext) -> SynthDoc:
    """市民相談受付票: who called, how to reach them, what about."""
    person = ctx.sample(k=1, min_age=18)[0]
    number = person.phone or person.mobile
    paras = [
        "市民相談受付票",
        f"受付日時：{format_date(ctx.ref, 'wareki')} 10時15分",
        f"相談者：{person.family_name} {person.given_name}（{person.family_kana} {person.given_kana}）",
        f"住所：{person.prefecture}{person.city}{person.town}{person.block}",
    ]
    cats = {"name", "name_kana", "address"}
    if number:
        paras.append(f"電話：{number}")
        cats.add("phone")
    paras.append("相談内容：自宅前の道路の街灯が切れており、夜間の通行が不安とのこと。道路課へ引継ぎ。")
    return _doc("市民相談受付票", "consultation", paras, [person], cats)


def association_minutes(ctx: DocContext) -> SynthDoc:
    """自治会役員会 議事録: officers named in the attendance line (敬称略) and by surname + post later;
    sometimes a resident's house named by address (``…番地の山田様宅前``)."""
    rng = ctx.rng
    officers = ctx.sample(k=rng.randint(3, 5), min_age=40)
    posts = ("会長", "副会長", "会計", "書記", "班長")
    town = officers[0].town
    attendance = "、".join(f"{posts[n]} {p.family_name}{p.given_name}" for n, p in enumerate(officers))
    paras = [f"{town}自治会 役員会 議事録",
             f"日時：{format_date(ctx.ref, 'wareki')} 19時00分～20時30分　場所：{town}会館",
             f"出席者：{attendance}（敬称略）",
             f"1. 夏祭りの準備について　{officers[1].family_name}副会長より、模擬店の配置案が示された。",
             f"2. 会費の収支報告　{officers[2].family_name}会計より、上半期の収支が報告され、承認された。"]
    people = list(officers)
    cats = {"name"}
    if rng.random() < 0.5:
        resident = ctx.sample(k=1, min_age=20)[0]
        if resident.id not in {p.id for p in people}:
            people.append(resident)
            cats.add("address")
            paras.append(f"3. ごみ集積所の移設について　{resident.city}{resident.town}"
                         f"{format_block(resident.block, 'marks')}の{resident.family_name}{resident.given_name}様"
                         "宅前の集積所を、次年度から公園北側へ移す案が了承された。")
    paras.append("次回は翌月第2土曜日に開催する。")
    return _doc(paras[0], "association_minutes", paras, people, cats)
