"""People's roles where a document says them: the city's own staff (a title after the name, a
signature label before it, a staff column), a business's representative, or else a resident.

「斎藤課長」 is a member of staff, 「和田社長」 a business's head; 「担当：福祉課 山田」 signs a letter.
A table is a staff list when its name column says so (担当者, 職員氏名) or a column gives posts
(役職, 所属); 代表者氏名 and 事業者名 name businesses' people.
"""

from __future__ import annotations

import re

from mamori.detect.column_headers import clean
from mamori.detect.columns import TableLayout
from mamori.detect.names.match import NameMatch
from mamori.models import ROLE_BUSINESS, ROLE_STAFF, Table

#: Titles of a local government's staff, written right after a name (斎藤課長, 山田主査).
STAFF_TITLES = (
    "課長補佐", "課長代理", "課長", "係長", "主査", "主事", "主任", "主幹", "参事", "副参事", "部長", "次長", "局長",
    "室長", "所長", "館長", "園長", "センター長", "事務局長", "技師", "保健師", "職員", "担当", "市長", "副市長",
    "町長", "副町長", "村長", "区長", "教育長",
)
#: Titles of a business's people (和田社長, 代表取締役 山田).
#: (会長 and 理事長 are left out: a residents' association has them too.)
BUSINESS_TITLES = ("社長", "副社長", "専務", "常務", "取締役", "代表取締役", "店長", "院長", "事業主")
#: Labels before a name that sign for the organisation (担当：山田, 記入者 佐藤, 文責 鈴木).
_STAFF_LABEL = re.compile(
    r"(?:担当者?|記入者|作成者|起案者|受付者?|文責|職員|対応者)[\s:：]*(?:\S{1,12}[課係室所][\s　]*)?$")
_BUSINESS_LABEL = re.compile(r"(?:代表者|代表取締役|事業主|事業者|法人代表者?)[\s:：(（]*$")
_SPACES = " 　"
#: Header words of a name column holding staff, or of a column of posts beside names.
_STAFF_HEADERS = ("担当者", "職員", "記入者", "作成者", "起案者", "受付者", "対応者", "所属長")
_POST_HEADERS = ("役職", "職名", "職位", "所属", "部署", "課名", "係名", "職種")
_BUSINESS_HEADERS = ("代表者", "事業者", "事業主", "法人代表")


def name_role(norm: str, match: NameMatch) -> str:
    """The role the text gives the person named at *match* ("" for none said: a resident)."""
    after = norm[match.end:match.end + 8].lstrip(_SPACES)
    if after.startswith(BUSINESS_TITLES):
        return ROLE_BUSINESS
    if after.startswith(STAFF_TITLES):
        return ROLE_STAFF
    line_start = norm.rfind("\n", 0, match.start) + 1
    before = norm[max(line_start, match.start - 24):match.start]
    if _STAFF_LABEL.search(before):
        return ROLE_STAFF
    if _BUSINESS_LABEL.search(before):
        return ROLE_BUSINESS
    return ""


def table_role(table: Table, layout: TableLayout) -> str:
    """The role of a table's people: staff or business when its header says so, else ""."""
    if layout.header_row is None:
        return ""
    header = table.rows[layout.header_row]
    names = [clean(header[c.index]) for c in layout.columns
             if c.kind in ("name", "family_name") and c.index < len(header)]
    if any(w in h for h in names for w in _BUSINESS_HEADERS):
        return ROLE_BUSINESS
    if any(w in h for h in names for w in _STAFF_HEADERS):
        return ROLE_STAFF
    others = [clean(h) for h in header]
    return ROLE_STAFF if any(h.startswith(_POST_HEADERS) for h in others) else ""
