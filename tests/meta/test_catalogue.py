"""The one catalogue: every key the code uses has Japanese (and English); no fuzzy or empty entry; the
placeholders of both languages agree; the compiled catalogue is what the ``.po`` says; no word table is back.

Keys are found the way xgettext would, by reading the code: ``t("…")``, ``said("…")``, ``gettext``/``_``,
the case reports' ``w("…")`` (``case.…``), templates' ``{% translate "…" %}`` and Jinja's ``t(…)``/``w(…)``,
and any string constant that is a key of a known family (``"ui.pf_label"`` in a header tuple).
Keys built at run time (``f"status.{status}"``) are checked family by family below.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from mamori.i18n import LOCALE_DIR, t
from mamori.i18n.catalogue import compile_catalogue

SRC = Path(__file__).resolve().parents[2] / "src" / "mamori"
# Families of keys a bare string constant may name (header tuples); calls may name any key.
FAMILIES = ("ui", "reason", "problem", "category", "field", "choice", "col", "loc", "cli", "help")
KEY = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")
CONSTANT_KEY = re.compile(rf"^(?:{'|'.join(FAMILIES)})\.[a-z0-9_]+(?:\.[a-z0-9_]+)*$")
CALLS = {"t": "", "said": "", "gettext": "", "_": "", "gettext_lazy": "", "w": "case."}
TEMPLATE_KEYS = (re.compile(r"""\{%\s*translate\s+["']([^"']+)["']"""),
                 re.compile(r"""\bt\(\s*["']([a-z][a-z0-9_.]*)["']"""))
JINJA_CASE = re.compile(r"""\bw\(\s*["']([a-z][a-z0-9_.]*)["']""")


def catalogue(lang: str) -> Catalog:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle)


def _python_keys(path: Path) -> set[str]:
    keys: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            first = node.args[0]
            options = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            for option in options:
                if name in CALLS and isinstance(option, ast.Constant) and isinstance(option.value, str):
                    keys.add(CALLS[name] + option.value)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CONSTANT_KEY.match(node.value):
            keys.add(node.value)
    return keys


def used_keys() -> dict[str, str]:
    """Every literal key in the code and templates → one place that uses it."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or path.parts[-2:] == ("synth", path.name) or "synth" in path.parts:
            continue
        for key in _python_keys(path):
            found.setdefault(key, str(path.relative_to(SRC)))
    for path in sorted([*SRC.rglob("*.html"), *SRC.rglob("*.j2")]):
        text = path.read_text(encoding="utf-8")
        for pattern in TEMPLATE_KEYS:
            for key in pattern.findall(text):
                found.setdefault(key, str(path.relative_to(SRC)))
        for key in JINJA_CASE.findall(text):
            found.setdefault(f"case.{key}", str(path.relative_to(SRC)))
    return {k: v for k, v in found.items() if KEY.match(k)}


def test_the_scanner_finds_keys() -> None:
    keys = used_keys()
    assert {"ui.login", "case.title", "reason.zip_encrypted_member", "summary.items", "field.vendor_id",
            "ui.pf_label", "audit.true"} <= set(keys)


def test_every_key_in_the_code_has_japanese_and_english() -> None:
    ja, en = catalogue("ja"), catalogue("en")
    missing = {key: where for key, where in used_keys().items() if key not in ja or not ja[key].string}
    assert not missing, f"keys without Japanese: {missing}"
    missing_en = sorted(key for key in used_keys() if key not in en or not en[key].string)
    assert not missing_en, f"keys without English: {missing_en}"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_fuzzy_empty_or_obsolete_entries(lang: str) -> None:
    cat = catalogue(lang)
    assert not cat.fuzzy, f"the {lang} catalogue's header is fuzzy (compilers skip it)"
    bad = sorted(str(m.id) for m in cat if m.id and (m.fuzzy or not m.string))
    assert not bad, f"fuzzy or empty {lang} entries: {bad}"
    assert not cat.obsolete, f"obsolete {lang} entries: {sorted(cat.obsolete)}"


def test_japanese_and_english_have_the_same_keys_and_placeholders() -> None:
    ja, en = catalogue("ja"), catalogue("en")
    assert {m.id for m in ja if m.id} == {m.id for m in en if m.id}

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    differ = {str(m.id): (fields(str(m.string)), fields(str(en[m.id].string))) for m in ja if m.id
              and fields(str(m.string)) != fields(str(en[m.id].string))}
    assert not differ, differ


def test_japanese_is_japanese() -> None:
    """A Japanese entry that is its own key, or English words only, is an untranslated one."""
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff（）「」、。・〜：]")
    codes = {"ui.english", "ui.sha256", "ui.usb_id", "ui.print_xlsx", "ui.vendor_id", "ui.product_id", "col.sha256",
             "case.ch.sha256", "ui.csv", "ui.xlsx"}
    bad = sorted(str(m.id) for m in catalogue("ja") if m.id and m.id not in codes
                 and (m.string == m.id or not japanese.search(str(m.string))))
    assert not bad, f"Japanese entries without Japanese: {bad}"


def test_keys_built_at_run_time_are_in_the_catalogue() -> None:
    from mamori.detect.categories import CATEGORY_IDS
    from mamori.models import Status

    built = [f"status.{s.value}" for s in Status] + [f"category.{c}" for c in CATEGORY_IDS]
    built += [f"loc.{k}" for k in ("document", "sheet", "page", "row", "col", "line")]
    built += [f"pii.{k}" for k in ("true", "false", "null")]
    ja = catalogue("ja")
    assert not [k for k in built if k not in ja]


def test_guard_keys_built_at_run_time_are_in_the_catalogue() -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.guard.settings")
    import django

    django.setup()
    from mamori.guard.auditlog.sentences import ACTIONS
    from mamori.guard.incidents.clocks import Reason

    built = [f"audit.{a}" for a in ACTIONS] + [f"ui.reason_{r.value}" for r in Reason]
    built += [f"ui.policy.{r}" for r in ("special_care", "persons_over_limit", "my_number", "not_inspected")]
    built += [f"ui.event.{k}" for k in ("inserted", "removed", "blocked", "allowed", "write_refused", "written")]
    built += [f"ui.state_{s}" for s in ("done", "open", "due_soon", "overdue")]
    ja = catalogue("ja")
    assert not [k for k in built if k not in ja]


def test_compiled_catalogue_says_what_the_po_says(tmp_path: Path) -> None:
    """The .mo Django and the command read holds the .po's Japanese (compiled by the project's own set-up)."""
    po = LOCALE_DIR / "ja" / "LC_MESSAGES" / "django.po"
    copy = tmp_path / "django.po"
    copy.write_bytes(po.read_bytes())
    mo = compile_catalogue(copy)
    import gettext

    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.gettext("reason.zip_encrypted_member").format(kind="AES") == "パスワード付きzipのメンバー（AES）：検査できません"
    assert t("loc.row", "ja", value=2) == compiled.gettext("loc.row").format(value=2) == "2行目"


def test_no_word_table_is_back() -> None:
    """Words live in the catalogue only: no (Japanese, English) pair tables, no `lang == "en"` choices of text."""
    pair = re.compile(r"""\(\s*"[^"]*[\u3040-\u30ff\u4e00-\u9fff][^"]*",\s*"[^"\u3040-\u30ff\u4e00-\u9fff]*"\s*\)""")
    # synth writes documents; detect's header vocabulary and normalize's folding rules are what files say
    tables = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                    if not {"synth", "normalize"} & set(p.parts) and p.name != "column_headers.py" and len(pair.findall(p.read_text(encoding="utf-8"))) >= 3)
    assert not tables, f"hand-made word tables: {tables}"


def test_no_text_chosen_by_language_in_code_or_templates() -> None:
    """`"日本語" if ja else "English"` and `{% if lang == "en" %}…{% else %}…` are word tables too."""
    ternary = re.compile(r"""["'][^"'\n]*[\u3040-\u30ff\u4e00-\u9fff][^"'\n]*["']\s*\)?\s*if\s+(?:ja|lang|is_ja)\b""")
    found = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                   if "synth" not in p.parts and ternary.search(p.read_text(encoding="utf-8")))
    # the language switch names each language in itself (日本語 / English): that is no translation
    found += sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.html")
                    if p.name != "base.html" and 'lang == "en"' in p.read_text(encoding="utf-8"))
    assert not found, f"text chosen by language outside the catalogue: {found}"
