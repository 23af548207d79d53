"""How much a decoded string looks like real Japanese: decides CP932 vs EUC-JP when both decode.

EUC-JP read as CP932 turns into runs of half-width katakana and odd kanji; CP932 half-width katakana
read as EUC-JP turns into random (often level-2) kanji. Real text is rich in hiragana and level-1
kanji, and its half-width katakana carry voicing marks only after kana that take them.
"""

from __future__ import annotations

_VOICEABLE = frozenset("ｳｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ")
_SEMI_VOICEABLE = frozenset("ﾊﾋﾌﾍﾎ")


# CP932 extension kanji that Japanese names use all the time (髙橋, 山﨑, 德永, 濵田): as plausible as level 1.
_NAME_EXTENSIONS = frozenset("髙﨑德濵栁")


def _kanji_weight(ch: str) -> float:
    if ch in _NAME_EXTENSIONS:
        return 0.75
    try:
        lead = ch.encode("euc_jp")[0]
    except UnicodeEncodeError:
        return -0.3  # outside JIS X 0208: extensions, rare in running text
    return 0.75 if lead <= 0xCF else 0.15  # level 1 (rows 16–47) vs level 2


def _weight(ch: str, prev: str) -> float:
    o = ord(ch)
    if 0x3041 <= o <= 0x309F:
        return 1.0
    if 0x30A1 <= o <= 0x30FE:
        return 0.8
    if 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF:  # the second: compatibility forms (﨑 U+FA11)
        return _kanji_weight(ch)
    if 0xFF66 <= o <= 0xFF9D:
        return 0.35
    if ch == "ﾞ":
        return 0.7 if prev in _VOICEABLE else -1.0
    if ch == "ﾟ":
        return 0.7 if prev in _SEMI_VOICEABLE else -1.0
    if 0xFF61 <= o <= 0xFF65:  # half-width 。「」、・: rare outside EUC misreadings
        return -0.2
    if 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E:
        return 0.6
    if 0x2460 <= o <= 0x24FF or 0x3200 <= o <= 0x33FF:
        return 0.2
    if 0xE000 <= o <= 0xF8FF or 0x80 <= o <= 0x9F:
        return -2.0
    if 0x0370 <= o <= 0x04FF or 0x2500 <= o <= 0x257F:
        return -0.3
    return 0.0


def plausibility(text: str) -> float:
    """Sum of per-character plausibility of the non-ASCII characters (compare readings of the same bytes)."""
    score = 0.0
    prev = ""
    for ch in text:
        if ch >= "\x80":
            score += _weight(ch, prev)
        prev = ch
    return score
