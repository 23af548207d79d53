"""Positive table documents: the lists a city keeps about its residents and staff."""

from __future__ import annotations

from mamori.synth.doc_common import (
    WAREKI_STYLES,
    Column,
    DocContext,
    address_column,
    build_table,
    date_column,
    derived_number,
    fiscal_label,
    memo_column,
    name_columns,
    phone_column,
    plain,
    resident_code,
)
from mamori.synth.model import Resident, SynthDoc
from mamori.synth.variants import GENDER_STYLES, format_date, format_gender


def _gender(ctx: DocContext, header: str = "性別") -> Column:
    style = ctx.rng.choice(GENDER_STYLES)
    return Column(header, ("gender",), lambda r, i: format_gender(r.gender, style))


def _age(ctx: DocContext, header: str = "年齢") -> Column:
    return Column(header, ("age",), lambda r, i: str(ctx.age(r)))


def voter_list(ctx: DocContext) -> SynthDoc:
    """選挙人名簿: 氏名, 性別, 生年月日 (era form), 住所; sometimes 名簿番号, 投票区, 郵便番号."""
    rng = ctx.rng
    people = sorted(ctx.sample(min_age=18), key=lambda p: (p.postal_code, p.block))
    district = rng.randint(1, 60)
    cols: list[Column] = []
    if rng.random() < 0.6:
        cols.append(plain("名簿番号", lambda r, i: str(i)))
    if rng.random() < 0.5:
        cols.append(plain("投票区", lambda r, i: f"第{district}投票区"))
    cols += name_columns(rng)
    cols += [_gender(ctx), date_column(rng, styles=WAREKI_STYLES)]
    if rng.random() < 0.3:
        cols.append(Column("郵便番号", ("postal_code",), lambda r, i: r.postal_code))
    cols.append(address_column(rng))
    title = rng.choice(("大阪府知事選挙 選挙人名簿", "選挙人名簿抄本", "市長選挙 選挙人名簿", "在外選挙人名簿"))
    return build_table(ctx, people, cols, title=f"{fiscal_label(ctx.ref)} {title}", kind="voter_list",
                       sheet_name="選挙人名簿")


def resident_list(ctx: DocContext) -> SynthDoc:
    """住民一覧 with phones and e-mail (the kind of list an events section keeps)."""
    rng = ctx.rng
    cols = [plain("No.", lambda r, i: str(i)), *name_columns(rng)]
    if rng.random() < 0.5:
        cols.append(date_column(rng))
    if rng.random() < 0.5:
        cols.append(_age(ctx))
    cols += [Column("郵便番号", ("postal_code",), lambda r, i: r.postal_code), address_column(rng),
             phone_column(rng, "電話番号")]
    if rng.random() < 0.5:
        cols.append(Column("携帯電話", ("phone",), lambda r, i: r.mobile))
    cols.append(Column(rng.choice(("メールアドレス", "E-mail", "メール")), ("email",), lambda r, i: r.email))
    people = ctx.sample()
    memo_cats: set[str] = set()
    if rng.random() < 0.5:
        memo, memo_cats = memo_column(ctx, people)
        cols.append(memo)
    return build_table(ctx, people, cols, title="自治会 会員名簿", kind="resident_list", sheet_name="名簿",
                       extra_categories=sorted(memo_cats))


CARE_LEVELS = ("要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5")


def care_need_list(ctx: DocContext) -> SynthDoc:
    """要介護認定者一覧: 被保険者番号, 氏名, 生年月日, 住所, 要介護度 (special care)."""
    rng = ctx.rng
    levels: dict[int, str] = {}
    cols = [Column("被保険者番号", ("insurance_number",), lambda r, i: derived_number(r.id, 11, 10)),
            *name_columns(rng), date_column(rng), _age(ctx), address_column(rng),
            Column("要介護度", ("care_need",), lambda r, i: levels.setdefault(r.id, rng.choice(CARE_LEVELS))),
            plain("認定有効期間", lambda r, i: f"{format_date(ctx.ref, 'wareki')}～")]
    people = ctx.sample(min_age=65)
    memo_cats: set[str] = set()
    if rng.random() < 0.4:
        memo, memo_cats = memo_column(ctx, people)
        cols.append(memo)
    return build_table(ctx, people, cols, title=f"{fiscal_label(ctx.ref)} 要介護認定者一覧",
                       kind="care_need_list", sheet_name="認定者", extra_categories=sorted(memo_cats))


DISABILITIES = ("肢体不自由 2級", "視覚障害 1級", "聴覚障害 3級", "内部障害（心臓）1級", "療育手帳 A",
                "療育手帳 B1", "精神障害者保健福祉手帳 2級", "音声・言語機能障害 3級", "内部障害（腎臓）1級")


def disability_list(ctx: DocContext) -> SynthDoc:
    """障害者手帳交付台帳: 手帳番号, 氏名, 住所, 障害種別・等級 (special care)."""
    rng = ctx.rng
    cols = [plain("手帳番号", lambda r, i: f"堺第{derived_number(r.id, 23, 6)}号"), *name_columns(rng),
            date_column(rng), address_column(rng),
            Column("障害種別・等級", ("disability",), lambda r, i: rng.choice(DISABILITIES)),
            plain("交付日", lambda r, i: format_date(ctx.ref, "wareki"))]
    return build_table(ctx, ctx.sample(), cols, title="身体障害者手帳交付台帳", kind="disability_list")


FINDINGS = ("異常なし", "高血圧症", "糖尿病の疑い", "脂質異常症", "肝機能障害", "要精密検査（心電図）",
            "貧血", "高尿酸血症", "経過観察（腎機能）")


def health_check(ctx: DocContext) -> SynthDoc:
    """特定健診結果: 受診者, 年齢, 性別, 身長, 体重, 血圧, HbA1c, 所見 (special care)."""
    rng = ctx.rng
    cols = [plain("受診番号", lambda r, i: f"K{ctx.ref.year}{i:05d}"), *name_columns(rng, kana=False),
            _age(ctx), _gender(ctx),
            Column("身長", ("health",), lambda r, i: f"{rng.uniform(145, 182):.1f}"),
            Column("体重", ("health",), lambda r, i: f"{rng.uniform(40, 95):.1f}"),
            Column("血圧", ("health",), lambda r, i: f"{rng.randint(100, 170)}/{rng.randint(60, 100)}"),
            Column("HbA1c", ("health",), lambda r, i: f"{rng.uniform(4.8, 8.5):.1f}"),
            Column("所見", ("health",), lambda r, i: rng.choice(FINDINGS))]
    return build_table(ctx, ctx.sample(min_age=40, max_age=74), cols,
                       title=f"{fiscal_label(ctx.ref)} 特定健康診査 結果一覧", kind="health_check")


def insurance_pension_list(ctx: DocContext) -> SynthDoc:
    """国保・年金: 記号番号, 基礎年金番号, 氏名, 生年月日, 住所."""
    rng = ctx.rng

    def kokuho(r: Resident, i: int) -> str:
        return f"堺{derived_number(r.id, 31, 2)}-{derived_number(r.id, 32, 6)}"

    def pension(r: Resident, i: int) -> str:
        return f"{derived_number(r.id, 41, 4)}-{derived_number(r.id, 42, 6)}"

    cols = [Column("国保記号番号", ("insurance_number",), kokuho),
            Column("基礎年金番号", ("pension_number",), pension),
            *name_columns(rng), date_column(rng), address_column(rng)]
    return build_table(ctx, ctx.sample(min_age=20), cols, title="国民健康保険・国民年金 被保険者一覧",
                       kind="insurance_pension")


SECTIONS = ("総務課", "人事課", "市民課", "保険年金課", "介護保険課", "障害福祉課", "学務課", "会計室",
            "選挙管理委員会事務局", "税務課", "健康推進課")
POSTS = ("主事", "主任", "係長", "課長補佐", "課長", "技師", "主査")
BANKS = ("三井住友銀行 堺支店", "りそな銀行 堺東支店", "池田泉州銀行 鳳支店", "ゆうちょ銀行 四〇八支店",
         "三菱UFJ銀行 堺支店", "大阪信用金庫 北花田支店")


def staff_list(ctx: DocContext) -> SynthDoc:
    """職員名簿 (names only: still personal data) or 給与一覧 with 給料月額 and 振込口座."""
    rng = ctx.rng
    people = ctx.sample(min_age=20, max_age=64)
    salary = rng.random() < 0.5
    cols = [plain("職員番号", lambda r, i: derived_number(r.id, 51, 6)),
            plain("所属", lambda r, i: SECTIONS[r.id % len(SECTIONS)]), *name_columns(rng, kana=False),
            plain("職名", lambda r, i: POSTS[r.id % len(POSTS)])]
    if salary:
        cols += [Column("給料月額", ("salary",), lambda r, i: f"{rng.randrange(180, 480) * 1000:,}"),
                 Column("振込口座", ("bank_account",),
                        lambda r, i: f"{BANKS[r.id % len(BANKS)]} 普通 {derived_number(r.id, 52, 7)}")]
        title = f"{fiscal_label(ctx.ref)} 職員給与支給一覧"
    else:
        cols.append(plain("内線", lambda r, i: str(5000 + r.id % 900)))
        title = "職員名簿"
    return build_table(ctx, people, cols, title=title, kind="staff_salary" if salary else "staff_list")


def school_roster(ctx: DocContext) -> SynthDoc:
    """児童・生徒名簿: 学年, 組, 出席番号, 氏名, ふりがな, 性別, 生年月日, 住所, 電話."""
    rng = ctx.rng
    people = sorted(ctx.sample(min_age=6, max_age=15), key=lambda p: (p.birth_date.year, p.family_kana))
    school = rng.choice(("堺市立三国丘小学校", "堺市立浜寺中学校", "堺市立金岡小学校", "堺市立大泉中学校"))
    cols = [Column("学校名", ("school",), lambda r, i: school),
            plain("学年", lambda r, i: str(min(9, max(1, ctx.age(r) - 5)))),
            plain("組", lambda r, i: str(1 + r.id % 4)),
            plain("出席番号", lambda r, i: str(i)), *name_columns(rng, kana=True), _gender(ctx), date_column(rng),
            address_column(rng), phone_column(rng, "緊急連絡先", prefer_mobile=True)]
    return build_table(ctx, people, cols, title=f"{fiscal_label(ctx.ref)} {school} 児童生徒名簿",
                       kind="school_roster", sheet_name="名簿")


def event_applications(ctx: DocContext) -> SynthDoc:
    """施設利用・行事の申込者一覧: 受付番号, 氏名, 年齢, 電話, メール, 人数."""
    rng = ctx.rng
    cols = [plain("受付番号", lambda r, i: f"{i:04d}"),
            plain("申込日", lambda r, i: format_date(ctx.ref, "slash")), *name_columns(rng)]
    if rng.random() < 0.6:
        cols.append(_age(ctx))
    cols += [phone_column(rng, "連絡先", prefer_mobile=True),
             Column("メールアドレス", ("email",), lambda r, i: r.email),
             plain("参加人数", lambda r, i: str(1 + r.id % 4))]
    people = ctx.sample(min_age=15)
    memo_cats: set[str] = set()
    if rng.random() < 0.4:
        memo, memo_cats = memo_column(ctx, people, rng.choice(("備考", "メモ", "特記事項")))
        cols.append(memo)
    return build_table(ctx, people, cols, title="市民ふれあい講座 申込者一覧",
                       kind="event_applications", extra_categories=sorted(memo_cats))


def my_number_list(ctx: DocContext) -> SynthDoc:
    """個人番号一覧: 宛名番号 (the city's own internal number: no category of its own), 住民票コード, 氏名,
    個人番号, 生年月日."""
    rng = ctx.rng
    cols = [plain("宛名番号", lambda r, i: derived_number(r.id, 61, 10))]
    if rng.random() < 0.6:
        cols.append(Column("住民票コード", ("resident_code",), lambda r, i: resident_code(r)))
    cols += [*name_columns(rng),
             Column(rng.choice(("個人番号", "マイナンバー")), ("my_number",), lambda r, i: r.my_number),
             date_column(rng)]
    return build_table(ctx, ctx.sample(), cols, title="個人番号 登録一覧", kind="my_number_list")
