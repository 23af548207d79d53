"""障害 (要配慮): certificates with a grade — 身体障害者手帳 N級, 療育手帳 A/B, 精神障害者保健福祉手帳 N級,
障害支援区分. The name of a certificate alone (a procedure on a city's page) is not a person's data.
"""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector

_SHO = r"障(?:害|がい|碍)"
_CELL = re.compile(
    # A bare A or B is a 療育手帳 level only under a header saying so: alone it is a blood type (血液型).
    r"(?:身体|精神|肢体|視覚|聴覚)?(?:障害)?[1-7一二三四五六七]級|(?:療育)?(?:A1|A2|B1|B2|マルA|〇A)|療育[AB]"
    r"|(?:障害支援)?区分[1-6]|.*手帳.*[1-7]級"
)


#: 聴覚障害 3級, 内部障害（腎臓）1級, 療育手帳 B1: a kind of disability or certificate, then its grade.
_NAMED_GRADE = re.compile(r"\S.{0,20}?(?:障害|障がい|手帳).{0,10}?\s*(?:[1-7一二三四五六七]級|A1|A2|B1|B2|A|B|マルA)")


def is_disability_value(value: str) -> bool:
    """Cell check: *value* is a disability grade or certificate level (1級, 身体2級, A1, 区分3 …)."""
    v = value.strip()
    return len(v) <= 30 and bool(_CELL.fullmatch(v) or _NAMED_GRADE.fullmatch(v))


class Disability(PatternDetector):
    """Certificates and support levels written with their grade."""

    name = "disability"
    category = "disability"
    prefilter = (re.compile("手帳|等級|程度|区分"),)
    patterns = (
        re.compile(rf"(?:身体{_SHO}者手帳|{_SHO}者手帳|{_SHO}(?:等級|程度))[^。\n]{{0,12}}?(?P<v>[1-7一二三四五六七]級)"),
        re.compile(rf"精神{_SHO}者保健福祉手帳[^。\n]{{0,12}}?(?P<v>[1-3一二三]級)"),
        re.compile(r"療育手帳[^。\n]{0,8}?(?P<v>A1|A2|B1|B2|マルA|〇A|A|B)(?![A-Za-z0-9])"),
        re.compile(rf"{_SHO}(?:支援|程度)区分[\s::]*(?P<v>(?:区分)?[1-6])(?![\d以])"),
    )
    base_confidence = 0.9
