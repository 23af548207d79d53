"""The one vocabulary of personal-data categories (public contract), with labels."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """A kind of personal data; ``special_care`` marks 要配慮個人情報."""

    id: str
    ja: str
    en: str
    special_care: bool = False

    def label(self, lang: str = "ja") -> str:
        return self.ja if lang == "ja" else self.en


CATEGORIES: tuple[Category, ...] = (
    Category("name", "氏名", "name"),
    Category("name_kana", "氏名（カナ）", "name (kana)"),
    Category("address", "住所", "address"),
    Category("postal_code", "郵便番号", "postal code"),
    Category("birth_date", "生年月日", "date of birth"),
    Category("age", "年齢", "age"),
    Category("gender", "性別", "gender"),
    Category("phone", "電話番号", "phone number"),
    Category("email", "メールアドレス", "e-mail address"),
    Category("my_number", "個人番号（マイナンバー）", "My Number"),
    Category("resident_code", "住民票コード", "resident register code"),
    Category("drivers_license", "運転免許証番号", "driver's licence number"),
    Category("passport", "旅券番号", "passport number"),
    Category("insurance_number", "保険者番号・被保険者番号", "insurance number"),
    Category("pension_number", "基礎年金番号", "pension number"),
    Category("bank_account", "口座番号", "bank account"),
    Category("credit_card", "クレジットカード番号", "credit card number"),
    Category("disability", "障害", "disability", special_care=True),
    Category("care_need", "要介護度", "long-term care need", special_care=True),
    Category("health", "病歴・健康", "health", special_care=True),
    Category("criminal_record", "犯罪歴", "criminal record", special_care=True),
    Category("salary", "給与", "salary"),
    Category("school", "学校・学歴", "school"),
)

BY_ID: dict[str, Category] = {c.id: c for c in CATEGORIES}
CATEGORY_IDS: tuple[str, ...] = tuple(c.id for c in CATEGORIES)
SPECIAL_CARE: frozenset[str] = frozenset(c.id for c in CATEGORIES if c.special_care)


def is_special_care(categories: frozenset[str] | set[str] | tuple[str, ...]) -> bool:
    """True when any of *categories* is 要配慮個人情報."""
    return any(c in SPECIAL_CARE for c in categories)


def ordered(categories: frozenset[str] | set[str]) -> list[str]:
    """Categories in vocabulary order (stable output)."""
    return [c for c in CATEGORY_IDS if c in categories]
