"""More positive tables of the shapes real municipal shares hold: households, mailing labels with 様,
staff extension lists, applicants with ages, organisations with their representatives."""

from __future__ import annotations

from mamori.synth.doc_common import (
    Column,
    DocContext,
    address_column,
    build_table,
    date_column,
    memo_column,
    name_columns,
    phone_column,
    plain,
)
from mamori.synth.doc_tables import POSTS, SECTIONS
from mamori.synth.model import Resident, SynthDoc
from mamori.synth.residents import household_of
from mamori.synth.variants import (
    BLOCK_STYLES,
    GENDER_STYLES,
    NAME_STYLES,
    format_address,
    format_gender,
    format_name,
)


def household_list(ctx: DocContext) -> SynthDoc:
    """世帯員一覧: 世帯番号, 氏名, 続柄, 性別, 生年月日, 住所 — the address often only on the 世帯主 row."""
    rng = ctx.rng
    heads = ctx.sample(k=max(1, ctx.rows // 3), min_age=25)
    members: list[Resident] = []
    relation: dict[int, str] = {}
    household: dict[int, int] = {}
    for n, head in enumerate(heads, start=1):
        for word, person in household_of(head):
            members.append(person)
            relation[person.id], household[person.id] = word, n
    address = address_column(rng)
    head_only = rng.random() < 0.5
    gender_style = rng.choice(GENDER_STYLES)
    cols = [plain("世帯番号", lambda r, i: f"{household[r.id]:05d}")]
    if rng.random() < 0.4:
        style = rng.choice(NAME_STYLES)
        by_number = {household[h.id]: h for h in heads}
        cols.append(Column("世帯主氏名", ("name",), lambda r, i: format_name(
            by_number[household[r.id]].family_name, by_number[household[r.id]].given_name, style)))
    cols += [*name_columns(rng), plain("続柄", lambda r, i: relation[r.id]),
             Column("性別", ("gender",), lambda r, i: format_gender(r.gender, gender_style)), date_column(rng),
             Column(address.header, address.categories,
                    lambda r, i: address.value(r, i) if not head_only or relation[r.id] == "世帯主" else "")]
    return build_table(ctx, members, cols, title="住民基本台帳 世帯員一覧", kind="household_list", sheet_name="世帯")


def mailing_labels(ctx: DocContext) -> SynthDoc:
    """宛名一覧 for a mail merge: 〒, 住所, 方書, and the name with 様 (or 殿) in one cell."""
    rng = ctx.rng
    people = ctx.sample(min_age=20)
    honorific, style = rng.choice(("様", "様", "殿")), rng.choice(NAME_STYLES)
    block_style, with_pref = rng.choice(BLOCK_STYLES), rng.random() < 0.6
    cols = [Column("郵便番号", ("postal_code",), lambda r, i: ("〒" if rng.random() < 0.3 else "") + r.postal_code),
            Column("住所1", ("address",), lambda r, i: format_address(r.prefecture, r.city, r.town, r.block,
                                                                    block_style=block_style,
                                                                    with_prefecture=with_pref)),
            plain("住所2（方書）", lambda r, i: r.building),
            Column(rng.choice(("宛名", "送付先氏名", "氏名")), ("name",),
                   lambda r, i: f"{format_name(r.family_name, r.given_name, style)}　{honorific}")]
    return build_table(ctx, people, cols, title="送付先一覧（宛名ラベル用）", kind="mailing_labels")


def staff_directory(ctx: DocContext) -> SynthDoc:
    """職員内線番号表: section, post, name, extension; the direct line is the section's, not the person's."""
    rng = ctx.rng
    people = sorted(ctx.sample(min_age=20, max_age=64), key=lambda p: p.id % len(SECTIONS))
    direct = {s: f"072-228-{7000 + 37 * n:04d}" for n, s in enumerate(SECTIONS)}
    cols = [plain("所属", lambda r, i: SECTIONS[r.id % len(SECTIONS)]),
            plain("職名", lambda r, i: POSTS[r.id % len(POSTS)]), *name_columns(rng, kana=False),
            plain("内線", lambda r, i: str(2000 + (r.id * 37) % 7000)),
            plain("課直通", lambda r, i: direct[SECTIONS[r.id % len(SECTIONS)]])]
    return build_table(ctx, people, cols, title="職員内線番号表", kind="staff_directory", sheet_name="内線")


def applicants_by_age(ctx: DocContext) -> SynthDoc:
    """講座申込者一覧 with ages (``45`` or ``45歳``) and ward only — no birth date, no address."""
    rng = ctx.rng
    people = ctx.sample(min_age=15)
    suffix = rng.choice(("", "歳"))
    cols = [plain("No.", lambda r, i: str(i)), *name_columns(rng),
            Column("年齢", ("age",), lambda r, i: f"{ctx.age(r)}{suffix}"),
            Column("性別", ("gender",), lambda r, i: r.gender),
            plain("居住区", lambda r, i: r.city.removeprefix("堺市") if r.city.startswith("堺市") else "市外")]
    memo, memo_cats = memo_column(ctx, people)
    cols.append(memo)
    title = rng.choice(("健康体操教室 申込者一覧", "市民講座 受講者名簿", "防災講習会 参加申込者"))
    return build_table(ctx, people, cols, title=title, kind="applicants_by_age", extra_categories=sorted(memo_cats))


ORG_KINDS = ("自治会", "町内会", "老人クラブ", "子ども会", "女性会", "防犯協会支部", "体育振興会")


def org_contacts(ctx: DocContext) -> SynthDoc:
    """団体名簿: 団体名 + 代表者名 with the representative's home address and phone (the representative
    is a person: their home contact details are personal data)."""
    rng = ctx.rng
    people = ctx.sample(min_age=40)
    titled = rng.random() < 0.3  # "会長 山田太郎" in one cell
    style = rng.choice(NAME_STYLES)

    def org(r: Resident, i: int) -> str:
        return f"{r.town.removesuffix('町')}{ORG_KINDS[r.id % len(ORG_KINDS)]}"

    def rep(r: Resident, i: int) -> str:
        name = format_name(r.family_name, r.given_name, style)
        return f"{'会長' if 'クラブ' not in org(r, i) else '代表'}　{name}" if titled else name

    cols = [plain("No", lambda r, i: str(i)), plain("団体名", org),
            Column(rng.choice(("代表者名", "代表者氏名", "会長名")), ("name",), rep),
            Column("郵便番号", ("postal_code",), lambda r, i: r.postal_code), address_column(rng, "代表者住所"),
            phone_column(rng, "連絡先電話")]
    return build_table(ctx, people, cols, title="地域団体 代表者名簿", kind="org_contacts")
