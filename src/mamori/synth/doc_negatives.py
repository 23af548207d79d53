"""Hard negatives: documents that look like personal data (addresses, phones, dates, 12-digit
numbers, surnames inside company names) but are about no person at all."""

from __future__ import annotations

from collections.abc import Sequence

from mamori.synth import mynumber
from mamori.synth.doc_common import DocContext, fiscal_label
from mamori.synth.model import SynthDoc, Truth
from mamori.synth.names import surnames
from mamori.synth.places import fill_pattern, towns_in
from mamori.synth.variants import DATE_STYLES, format_date, format_phone

_WARDS = ("堺市堺区", "堺市中区", "堺市東区", "堺市西区", "堺市南区", "堺市北区", "堺市美原区")
_FACILITY_KINDS = ("公民館", "地域会館", "図書館", "市民センター", "子育て支援センター", "老人福祉センター", "体育館")


def _negative(title: str, kind: str, header: tuple[str, ...] | None, rows: Sequence[tuple[str, ...]],
              paragraphs: tuple[str, ...] = (), title_rows: tuple[str, ...] = ()) -> SynthDoc:
    return SynthDoc(title=title, kind=kind, header=header, rows=tuple(rows), paragraphs=paragraphs,
                    title_rows=title_rows, truth=Truth())


def facility_list(ctx: DocContext) -> SynthDoc:
    """Public facilities with real addresses and phone numbers."""
    rng = ctx.rng
    rows = []
    for i in range(1, max(3, ctx.rows) + 1):
        town = rng.choice(towns_in("大阪府", rng.choice(_WARDS)))
        kind = rng.choice(_FACILITY_KINDS)
        rows.append((str(i), f"{town.town.removesuffix('町')}{kind}", town.postal_code,
                     f"{town.city}{town.town}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号",
                     format_phone(fill_pattern(town.phone_pattern, rng), "hyphen"), "9:00～17:00"))
    return _negative("公共施設一覧", "facility_list", ("No", "施設名", "郵便番号", "所在地", "電話番号", "開館時間"),
                     rows, title_rows=(f"{fiscal_label(ctx.ref)} 公共施設一覧", ""))


def population(ctx: DocContext) -> SynthDoc:
    """町丁別人口: town names with households and population counts."""
    rng = ctx.rng
    ward = rng.choice(_WARDS)
    rows = []
    for town in towns_in("大阪府", ward)[: max(3, ctx.rows)]:
        men, women = rng.randint(80, 4000), rng.randint(80, 4200)
        rows.append((town.town, str(rng.randint(60, 3500)), str(men), str(women), str(men + women)))
    return _negative(f"{ward} 町丁別人口", "population", ("町名", "世帯数", "男", "女", "計"), rows,
                     title_rows=(f"{format_date(ctx.ref, 'wareki')}現在 町丁別人口・世帯数", ""))


_PRODUCTS = ("コピー用紙 A4", "ボールペン 黒", "トナーカートリッジ", "ファイル A4縦", "封筒 長3", "クリップ",
             "USBメモリ 32GB", "付箋", "ホッチキス針", "ガムテープ", "蛍光灯 40W", "乾電池 単3")


def product_list(ctx: DocContext) -> SynthDoc:
    """物品一覧: part codes, names, unit prices."""
    rng = ctx.rng
    rows = []
    for _ in range(max(3, ctx.rows)):
        price, qty = rng.randint(50, 9000), rng.randint(1, 200)
        rows.append((f"{rng.choice('ABKS')}{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
                     rng.choice(_PRODUCTS), str(price), str(qty), f"{price * qty:,}"))
    return _negative("消耗品 購入一覧", "product_list", ("品番", "品名", "単価", "数量", "金額"), rows)


def invoice_list(ctx: DocContext) -> SynthDoc:
    """請求一覧: 12-digit invoice numbers that fail the My Number check; company names with surnames."""
    rng = ctx.rng
    rows = []
    for _ in range(max(3, ctx.rows)):
        trade = rng.choice(("製作所", "商事", "工務店", "印刷"))
        company = f"{rng.choice(('株式会社', '有限会社'))}{surnames().pick(rng).text}{trade}"
        day = ctx.ref.replace(day=rng.randint(1, 28))
        rows.append((mynumber.generate_invalid(rng), company, format_date(day, "slash"),
                     f"{rng.randint(1, 900) * 1000:,}"))
    return _negative("請求書受付一覧", "invoice_list", ("請求番号", "取引先", "請求日", "金額"), rows)


_EVENTS = ("市民まつり", "防災訓練", "健康フェア", "成人式", "図書館まつり", "清掃活動", "ふれあい運動会")


def event_schedule(ctx: DocContext) -> SynthDoc:
    """行事予定表: dates in every style, events, venues, sections."""
    rng = ctx.rng
    style = rng.choice(DATE_STYLES)
    rows = []
    for i in range(max(3, ctx.rows)):
        day = ctx.ref.replace(month=1 + (ctx.ref.month + i) % 12, day=rng.randint(1, 28))
        town = rng.choice(towns_in("大阪府", rng.choice(_WARDS)))
        rows.append((format_date(day, style), rng.choice(_EVENTS), f"{town.town}{rng.choice(_FACILITY_KINDS)}",
                     rng.choice(("市民協働課", "危機管理課", "健康推進課", "生涯学習課"))))
    return _negative("行事予定表", "event_schedule", ("日付", "行事名", "会場", "担当課"), rows)


_OFFICIALS = ("市長", "副市長", "総務局長", "市民人権局長", "健康福祉局長", "教育長", "危機管理監")


def official_minutes(ctx: DocContext) -> SynthDoc:
    """庁議議事要旨: speakers named only by title."""
    rng = ctx.rng
    paras = [f"庁議議事要旨 {format_date(ctx.ref, 'wareki')}", "その他報告事項"]
    for title in rng.sample(_OFFICIALS, k=4):
        paras.append(f"・{title}")
        paras.append(rng.choice((
            " 情報セキュリティ対策の強化について、外部記録媒体の接続制限を拡充する。",
            " 来年度予算の編成方針について、各局は重点施策を精査すること。",
            " 市民からの問い合わせには、事実関係を丁寧に説明するよう徹底されたい。",
            " 台風接近に備え、各区役所の防災体制を確認する。")))
    return _negative("庁議議事要旨", "official_minutes", None, [], paragraphs=tuple(paras))


def place_prose(ctx: DocContext) -> SynthDoc:
    """Prose about places and projects, naming towns, addresses of facilities and a section phone."""
    rng = ctx.rng
    town = rng.choice(towns_in("大阪府", rng.choice(_WARDS)))
    paras = (
        f"{town.city}{town.town}周辺の道路整備事業について",
        f"{town.town}から中百舌鳥駅方面へ向かう市道は、朝夕の通勤時間帯に渋滞が発生している。",
        f"{fiscal_label(ctx.ref)}は歩道の拡幅と交差点の改良を行い、工事期間中は迂回路を設ける。",
        "問い合わせ先：建設局 道路部 道路計画課 072-228-7423",
    )
    return _negative(paras[0], "place_prose", None, [], paragraphs=paras)


def age_statistics(ctx: DocContext) -> SynthDoc:
    """年齢別人口: counts per five-year age group (``0～4歳`` … ``100歳以上``) by sex — no person."""
    rng = ctx.rng
    ward = rng.choice(_WARDS)
    dash = rng.choice(("～", "-", "〜"))
    rows = []
    for low in range(0, 100, 5):
        men, women = rng.randint(900, 9000), rng.randint(900, 9200)
        rows.append((f"{low}{dash}{low + 4}歳", str(men), str(women), str(men + women)))
    men, women = rng.randint(2, 30), rng.randint(20, 160)
    rows.append(("100歳以上", str(men), str(women), str(men + women)))
    header = rng.choice((("年齢区分", "男", "女", "計"), ("年齢", "男性", "女性", "合計")))
    return _negative(f"{ward} 年齢別人口", "age_statistics", header, rows,
                     title_rows=(f"{format_date(ctx.ref, 'wareki')}現在 {ward} 年齢（5歳階級）別人口", ""))


_BODIES = ("庁議", "総合教育会議", "防災会議", "都市計画審議会", "行財政改革推進会議")


def attendance_by_title(ctx: DocContext) -> SynthDoc:
    """会議出席者一覧 naming everyone by post only (市長, 副市長, 委員長 …): no person is identified."""
    rng = ctx.rng
    posts = rng.sample((*_OFFICIALS, "議長", "副議長", "総務委員長", "会計管理者", "消防局長", "上下水道局長"), k=8)
    rows = [(str(i), post, rng.choice(("出席", "出席", "出席", "欠席", "代理出席")), "")
            for i, post in enumerate(posts, start=1)]
    body = rng.choice(_BODIES)
    return _negative(f"{body} 出席者一覧", "attendance_by_title", ("No", "役職", "出欠", "備考"), rows,
                     title_rows=(f"{format_date(ctx.ref, 'wareki')} {body} 出席者", ""))


_ORG_NAMES = ("社会福祉法人 堺市社会福祉協議会", "公益財団法人 堺市文化振興財団", "NPO法人 さかい子育てネット",
              "一般社団法人 堺観光コンベンション協会", "堺商工会議所", "公益社団法人 堺市シルバー人材センター",
              "NPO法人 まちづくり堺", "堺市老人クラブ連合会", "堺市PTA協議会", "堺市体育協会")


def org_directory(ctx: DocContext) -> SynthDoc:
    """関係団体一覧: organisations with their office address and main number, no representative named."""
    rng = ctx.rng
    rows = []
    for i, org in enumerate(rng.sample(_ORG_NAMES, k=min(len(_ORG_NAMES), max(3, ctx.rows))), start=1):
        town = rng.choice(towns_in("大阪府", rng.choice(_WARDS)))
        rows.append((str(i), org, town.postal_code,
                     f"{town.city}{town.town}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号",
                     format_phone(fill_pattern(town.phone_pattern, rng), "hyphen")))
    return _negative("関係団体一覧", "org_directory", ("No", "団体名", "郵便番号", "事務所所在地", "代表電話"), rows)
