"""Person names in running text: cheap anchors, then SudachiPy morphology on small windows.

Anchors are honorifics and roles after a name (様, さん, 君, 議員 …), labels before one
(氏名：, 相談者 …) and kanji runs that begin with a common surname. Around each anchor a
window is tokenized; a name is a 姓 token followed by given-name tokens (人名-名, unknown
words, words the lexicon knows as given names). A family name alone counts only next to a
person context, and names followed by a facility or company word (山本五十六記念館,
鈴木商店) do not count. Tokenizing windows only keeps the whole path above 1 MB/s.

Names standing alone (「…と徳富蘇峰は述べた」, トーマス・フリードマン) come from the CRF model
(``tagger``), in windows around katakana names and kanji runs that start with a surname; a name the
rules already found is not looked at again. A family name alone that begins (kanji) or ends
(katakana) a full name of the same text refers to that person (``NameMatch.refers_to``), so
「和田一郎 … 和田社長」 is one person. A name filling a whole 『title』 names a work.
"""

from __future__ import annotations

import re
import unicodedata

from mamori.detect.names.lexicon import (
    COMMON,
    FREQUENT_GIVEN,
    FREQUENT_SURNAME,
    GIVEN,
    SURNAME,
    fold,
    fold_variants,
    lexicon,
)
from mamori.detect.names.lexicon import PERSON as PERSON_FLAG
from mamori.detect.names.linking import link_family_names
from mamori.detect.names.match import NameMatch
from mamori.detect.names.morph import GIVEN as MEI
from mamori.detect.names.morph import NOUN, PERSON, PLACE, Token, tokens
from mamori.detect.names.morph import SURNAME as SEI
from mamori.detect.names.tagger import model_names
from mamori.detect.names.things import is_thing, whole_word
from mamori.detect.places import gazetteer

# Words right after a name that make it a person: honorifics, roles, posts.
_AFTER = (
    "様", "さま", "殿", "さん", "氏", "君", "くん", "ちゃん", "議員", "委員", "委員長", "副委員長", "議長",
    "副議長", "市長", "副市長", "町長", "村長", "区長", "知事", "部長", "課長", "係長", "局長", "所長", "室長",
    "主任", "主査", "主事", "主幹", "参事", "社長", "会長", "理事長", "校長", "教頭", "教諭", "先生", "医師",
    "看護師", "弁護士", "税理士", "司法書士", "容疑者", "被告", "被告人",
    "党首", "代表", "監督", "選手", "教授", "博士", "大臣", "首相", "大統領", "将軍", "船長", "艦長", "親王",
)
#: Titles that are also a place's office: 大村市長 is Ōmura city's mayor when 大村市 exists.
_OFFICES = {"市長": ("市",), "副市長": ("市",), "町長": ("町",), "村長": ("村",), "区長": ("区",),
            "知事": ("都", "道", "府", "県")}
_HONORIFICS = ("様", "さま", "殿", "さん", "氏", "君", "くん", "ちゃん", "議員", "委員", "先生")
# Labels right before a name.
_BEFORE = (
    "氏名", "名前", "相談者", "申込者", "申請者", "対象者", "本人", "世帯主", "被保険者", "利用者", "患者",
    "児童", "生徒", "届出人", "代理人", "保護者", "宛名", "受給者", "請求者", "契約者", "入居者", "同居人",
    "長男", "長女", "次男", "次女", "妻", "夫", "父", "母", "祖父", "祖母", "故",
    # Roles before a name in a list of officers or attendees (会長 山田太郎、書記 菅恵子).
    "会長", "副会長", "会計", "書記", "班長", "幹事", "監事", "理事", "代表者", "出席者", "欠席者", "委員",
)
# Words right after a name that make it a thing: facilities, companies, places, prizes.
_THING = (
    "記念館", "記念", "会館", "館", "邸", "像", "商店", "商会", "商事", "株式会社", "工業", "産業", "建設",
    "病院", "医院", "クリニック", "学校", "小学校", "中学校", "高校", "大学", "通り", "町", "村", "駅",
    "線", "橋", "公園", "賞", "杯", "財団", "事務所", "ビル", "ホール", "家", "家住宅", "寺", "神社",
    "文庫", "塾", "市", "区", "県", "府", "郡", "通", "川", "筋", "道", "街道", "池", "山", "台", "丘",
    "公", "学園", "製作所", "酒造", "不動産", "法律事務所", "税理士事務所", "薬局", "旅館", "食堂",
)
# Group nouns that precede 様/さん without naming anyone.
_NOT_NAMES = frozenset(("皆", "各位", "御中", "お客", "利用者", "市民", "住民", "関係者", "担当者", "皆さん", "奥"))

_NAME_CHAR = r"\u3041-\u30ff\u4e00-\u9fff々〆ヶ"
_CONTEXT = re.compile(
    rf"(?<=[{_NAME_CHAR}])[ 　]?(?:{'|'.join(sorted(_AFTER, key=len, reverse=True))})"
    rf"|(?:{'|'.join(sorted(_BEFORE, key=len, reverse=True))})(?=[ 　:：（(]?[ 　]?[{_NAME_CHAR}])"
)
_NAME_RE = re.compile(f"[{_NAME_CHAR}]")
_NAME_RUN = re.compile(f"[{_NAME_CHAR}]+")
_HIRAGANA = re.compile(r"[\u3041-\u309f]+")
_KANJI_ONLY = re.compile(r"[\u4e00-\u9fff々]+")
_KANJI_RUN = re.compile(r"[\u4e00-\u9fff々ヶ]{2,}")
_WINDOW = 14
_MODEL_NAME = re.compile(rf"[{_NAME_CHAR}A-Za-z][{_NAME_CHAR}A-Za-z・=. 　]*[{_NAME_CHAR}A-Za-z]")
_PLACE_AFTER = re.compile(r"[ 　]?(?:にお?住|在住|方面|地区|地内|付近|周辺|一帯|出身|から[^。、\n]{1,12}方面)")
_SURNAME_USED = re.compile(r"[ 　]?[\u3041-\u309f、。「」]")
#: A romanised name after a name label (Name: Taro Yamada, 氏名：YAMADA TARO), as forms in English write it.
_LATIN_LABELLED = re.compile(
    r"^[ \t]*(?:(?:Full |Your |Applicant(?:'s)? )?[Nn]ame|NAME|氏名|名前|お名前)[ \t]*[:：][ \t]*"
    r"(?P<name>[A-Z][A-Za-z'-]{1,20}(?:[ \t]+[A-Z][A-Za-z'-]{1,20}){1,2})(?=[ \t]*(?:$|[\n,(]))", re.MULTILINE)
#: A list line: its number, a surname and a given name split by one space, then an address or a phone.
_LIST_LINE = re.compile(
    r"^[ 　]*(?:\d{1,4}[.)．]?[ 　]+)?(?P<family>[\u4e00-\u9fff々]{1,3})[ 　]"
    r"(?P<given>[\u3041-\u30ff\u4e00-\u9fff々]{1,4})"
    r"(?=[ 　]+(?:\S{0,6}[都道府県市区町村郡]\S*[\d一二三四五六七八九十]|〒?\d{3}-\d{4}|0\d{1,4}-\d{1,4}-\d{3,4})"
    # or nothing else on the line: a list of names, one a line (a column of a PDF table whose phone is empty)
    r"|[ 　]*$)",
    re.MULTILINE)
#: The same with the name written without a space (関栄子 京都府…): split where the lexicon says.
_GLUED_LINE = re.compile(
    r"^[ 　]*(?:\d{1,4}[.)．]?[ 　]+)?"
    r"(?P<name>[\u4e00-\u9fff々]{1,3}[\u3041-\u309f\u30a1-\u30fa\u30fc]{2,4}|[\u4e00-\u9fff々]{2,6})[ 　]+"
    r"(?=(?:\S{0,6}[都道府県市区町村郡]\S*[\d一二三四五六七八九十]|〒?\d{3}-\d{4}|0\d{1,4}-\d{1,4}-\d{3,4}))",
    re.MULTILINE)
_MODEL_MIN = 0.3  # the model's least marginal for a name, chosen on the dev part (0.0 gave the same, 0.5 lost 0.02)
_SPACE = frozenset(" 　")


def _anchors(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _CONTEXT.finditer(text)]
    words = lexicon().words
    for m in _KANJI_RUN.finditer(text):
        run = m.group()
        if any(words.get(run[:n], 0) & FREQUENT_SURNAME for n in (2, 3) if n <= len(run)):
            spans.append((m.start(), m.end()))
    return spans


def _windows(text: str, anchors: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(anchors):
        lo, hi = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
        # Never cut a word: widen to the ends of the runs of name characters at the edges.
        stop = max(0, lo - 8)
        while lo > stop and _NAME_RE.match(text, lo - 1):
            lo -= 1
        stop = min(len(text), hi + 8)
        while hi < stop and _NAME_RE.match(text, hi):
            hi += 1
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def _given_score(given: str, sudachi_agrees: bool) -> float:
    """How surely *given* is a given name: 1 sure, 0.7 known but unconfirmed, 0.5 plausible, 0 not."""
    if given.endswith(_AFTER) or given.startswith(_AFTER):
        return 0.0
    flags = lexicon().words.get(fold(given), 0)
    if _HIRAGANA.fullmatch(given):
        # Hiragana is mostly grammar (さんと, ことが): shipped names and names Sudachi tags 人名 after a
        # family name count (高橋 さやか); others only before an honorific.
        if flags & FREQUENT_GIVEN or (sudachi_agrees and 2 <= len(given) <= 4):
            return 1.0
        return 0.5 if 2 <= len(given) <= 4 else 0.0
    if flags & FREQUENT_GIVEN or (sudachi_agrees and flags & (GIVEN | PERSON_FLAG)):
        return 1.0
    if flags & (GIVEN | PERSON_FLAG):
        return 0.7  # Sudachi knows odd given names (中, 烏山): without context they are not enough
    return 0.5 if len(given) <= 3 and _KANJI_ONLY.fullmatch(given) and not flags & COMMON else 0.0


def _family_at(token: Token) -> bool:
    if token.kind == SEI:
        return True
    # Sudachi often calls a surname a place (上野, 平田) or misses a variant: the lexicon decides,
    # for kanji words only (こと, ハル are grammar and words far more often than surnames).
    return (token.kind in (PLACE, NOUN, PERSON) and _KANJI_ONLY.fullmatch(token.surface) is not None
            and bool(lexicon().words.get(fold(token.surface), 0) & SURNAME))


def _given_after(window: str, pos: int, toks: list[Token]) -> tuple[int, float]:
    """(end, score) of the best given name starting at *pos* in *window*, (pos, 0) when none."""
    tail = _NAME_RUN.match(window, pos)
    if tail is None:
        return pos, 0.0
    run = tail.group()[:6]
    ends = {t.end: t for t in toks}
    best, best_end = 0.0, pos
    for length in range(min(4, len(run)), 0, -1):
        rest = run[length:]
        # It must end where a morpheme ends or right before an honorific glued to it (昭君), and be
        # followed by nothing, an honorific or a particle: 颯 of 颯真 is not a whole given name.
        if pos + length not in ends and not rest.startswith(_AFTER):
            continue
        if rest and not rest.startswith(_AFTER) and not _HIRAGANA.match(rest):
            continue
        agrees = all(t.kind in (MEI, SEI, PERSON) for t in toks if pos <= t.begin < pos + length)
        score = _given_score(run[:length], agrees)
        if score < 1.0 and rest and not rest.startswith(_AFTER):
            continue  # an unsure given name must be followed by an honorific
        if score > best:
            best, best_end = score, pos + length
    return best_end, best


def _split_whole_names(toks: list[Token]) -> list[Token]:
    """A whole name Sudachi read as one token split into a known surname and the rest: an unknown 人名
    (阿部隆), or a 名 token standing alone that is no known given name but a surname and one (菅恵)."""
    out: list[Token] = []
    words = lexicon().words
    for k, tok in enumerate(toks):
        surface = tok.surface
        flags = words.get(fold(surface), 0)
        whole = tok.kind == PERSON and 3 <= len(surface) <= 6 and not flags & SURNAME
        alone = (tok.kind == MEI and 2 <= len(surface) <= 4 and not flags & FREQUENT_GIVEN
                 and not (k and toks[k - 1].kind == SEI and toks[k - 1].end == tok.begin))
        if (whole or alone) and _KANJI_ONLY.fullmatch(surface):
            cut = next((n for n in (3, 2, 1) if n < len(surface) and len(surface) - n <= 3
                        and words.get(fold(surface[:n]), 0) & FREQUENT_SURNAME
                        and (whole or words.get(fold(surface[n:]), 0) & FREQUENT_GIVEN)), 0)
            if cut:
                out.append(Token(surface[:cut], tok.begin, tok.begin + cut, SEI, tok.oov))
                out.append(Token(surface[cut:], tok.begin + cut, tok.end, MEI, tok.oov))
                continue
        out.append(tok)
    return out


def _names_in(toks: list[Token], window: str, offset: int, text: str) -> list[NameMatch]:
    out: list[NameMatch] = []
    toks = _split_whole_names(toks)
    for i, tok in enumerate(toks):
        if not _family_at(tok):
            continue
        if out and out[-1].end > offset + tok.begin:
            continue  # inside the name just found (陽 in 陽翔)
        if i and toks[i - 1].end == tok.begin and toks[i - 1].surface[-1] in "都道府県市区町村郡":
            continue  # part of an address (堺市北区中長尾町)
        start, pos = tok.begin, tok.end
        if window[pos : pos + 1] in _SPACE:
            pos += 1
        end, given = _given_after(window, pos, toks)
        if not given:
            end = tok.end
        after = window[end:].lstrip(" 　")
        if after.startswith(_THING):
            continue
        name = text[offset + start : offset + end]
        context = after.startswith(_AFTER) or _label_before(toks, i)
        if _HIRAGANA.fullmatch(tok.surface) and not context:
            continue  # ひろ|せき of a reading (ひろせきねん…): a name all in hiragana needs an honorific or a label
        if tok.kind != SEI and not (given >= 1.0 or after.startswith(_HONORIFICS) or _label_before(toks, i)
                                    or (not given and _titled_surname(tok.surface, after))):
            continue  # a place-like word (堺市長) is a surname only with a given name, an honorific or a title
        if given:
            confidence = (0.95 if given >= 0.7 else 0.85) if context else (0.85 if given >= 1.0 else 0.0)
        else:
            confidence = 0.6 if context else 0.0  # a family name alone needs something saying it is a person
        if confidence and name.strip() not in _NOT_NAMES:
            out.append(NameMatch(offset + start, offset + end, name, confidence))
    return out


def _titled_surname(surface: str, after: str) -> bool:
    """A common surname Sudachi reads as a place (岡田, 大村) before a title (社長, 知事): a person, unless
    the title is the office of a place so named (大村市長 where 大村市 exists)."""
    if not lexicon().words.get(fold(surface), 0) & FREQUENT_SURNAME:
        return False
    title = next((t for t in sorted(_AFTER, key=len, reverse=True) if after.startswith(t)), "")
    if not title:
        return False
    places = gazetteer()
    return not any(surface + end in places.municipalities or surface + end in places.prefectures
                   for end in _OFFICES.get(title, ()))


def _label_before(toks: list[Token], i: int) -> bool:
    k = i - 1
    while k >= 0 and toks[k].surface in ("：", ":", " ", "　", "(", "（"):
        k -= 1
    return k >= 0 and toks[k].surface.endswith(_BEFORE)


def find_person_names(text: str) -> list[NameMatch]:
    """Names of people in *text* (offsets refer to NFKC-normalised text): the rules' (honorifics, labels,
    common surnames) and the model's (names standing alone, foreign names in katakana); a family name
    alone that repeats a full name of the same text refers to that person."""
    norm = unicodedata.normalize("NFKC", text)
    if not norm:
        return []
    # Variant kanji folded one to one, so Sudachi sees 高橋 for 髙橋 and offsets stay valid.
    folded = fold_variants(norm)
    out: list[NameMatch] = []
    seen: set[tuple[int, int]] = set()
    for lo, hi in _windows(folded, _anchors(folded)):
        for match in _names_in(tokens(folded[lo:hi]), folded[lo:hi], lo, norm):
            if (match.start, match.end) not in seen:
                seen.add((match.start, match.end))
                out.append(match)
    listed = _list_names(folded, norm, out)
    # A list line's whole name replaces a shorter one found inside it (宮田 of 宮田 君子, read as 宮田君).
    out = [m for m in out if not any(n.start <= m.start and m.end <= n.end for n in listed)] + listed
    out.extend(NameMatch(m.start("name"), m.end("name"), m.group("name"), 0.85) for m in _LATIN_LABELLED.finditer(norm))
    out.extend(_model_matches(folded, norm, out))
    # A name that is a whole 『title』 names a work (a book, a programme), not a person in the text. In 「」,
    # which quote speech too (「山田太郎」と名乗る男), only the rules' names (with their evidence) stay.
    out = [m for m in out if not (m.start and norm[m.start - 1] == "『" and norm[m.end:m.end + 1] == "』")]
    return link_family_names(norm, sorted(out, key=lambda m: m.start), _AFTER)


def _list_names(folded: str, norm: str, found: list[NameMatch]) -> list[NameMatch]:
    """Names that begin the lines of a list written with single spaces (a PDF's text layer):
    「関 栄子 京都府京都市… 075-…」 — a surname, a space, a given name, then an address or a phone."""
    taken = [(m.start, m.end) for m in found]
    words = lexicon().words
    out = []
    for m in _LIST_LINE.finditer(folded):
        start, end = m.start("family"), m.end("given")
        if any(a < end and start < b and not (start <= a and b <= end) for a, b in taken) or not words.get(
                fold(m.group("family")), 0) & SURNAME:
            continue
        given = m.group("given")
        flags = words.get(fold(given), 0)
        if not (flags & (GIVEN | FREQUENT_GIVEN) or (_KANJI_ONLY.fullmatch(given) and not flags & COMMON)):
            continue
        out.append(NameMatch(start, end, norm[start:end], 0.85))
        taken.append((start, end))
    for m in _GLUED_LINE.finditer(folded):
        start, end = m.span("name")
        if not any(a < end and start < b for a, b in taken) and _splits_as_name(m.group("name")):
            out.append(NameMatch(start, end, norm[start:end], 0.85))
    return out


def _splits_as_name(run: str) -> bool:
    """Whether a kanji run is a surname the lexicon knows followed by a plausible given name (関|栄子, 東|翔)."""
    if run.endswith(("都", "道", "府", "県", "市", "区", "町", "村", "郡", *_THING)) or run in _NOT_NAMES:
        return False  # a place written first (大阪府 堺市…), not a name
    words = lexicon().words
    kanji = _KANJI_ONLY.match(run)
    if kanji and kanji.end() < len(run):  # 阪口ひろみ: the kanji are the surname, the kana the given name
        return bool(words.get(fold(run[:kanji.end()]), 0) & SURNAME)
    for n in (3, 2, 1):
        family, given = run[:n], run[n:]
        if not given or len(given) > 4 or not words.get(fold(family), 0) & SURNAME:
            continue
        # The given name must be one the lexicon knows: 南花田|公民館 is no name, though each part is no word.
        if words.get(fold(given), 0) & (GIVEN | FREQUENT_GIVEN | PERSON_FLAG):
            return True
    return False


def _model_matches(folded: str, norm: str, found: list[NameMatch]) -> list[NameMatch]:
    taken = [(m.start, m.end) for m in found]
    out = []
    for start, end, p in model_names(folded, taken):
        name = norm[start:end]
        if p < _MODEL_MIN or not _MODEL_NAME.fullmatch(name) or name.strip() in _NOT_NAMES:
            continue
        if any(a < end and start < b for a, b in taken) or norm[end:].lstrip(" 　").startswith(_THING):
            continue
        if start and norm[start - 1] in "「『“" and norm[end:end + 1] in "」』”":
            continue  # a name that is a whole title (『中原中也』, a programme 「大石恵三」) names a work
        if is_thing(name, norm, end):
            continue  # マーベル・コミック, クレメント社: an organisation or a product by its own words
        if not whole_word(name, norm, start, end):
            continue  # 祉法 of 社会福祉法人, a kana reading (ひろせき…, チヨダク マルノウチ): not a name of its own
        if _PLACE_AFTER.match(norm, end):
            continue  # 西野にお住まいの…, 深阪から…方面: a place that is also a surname
        if lexicon().words.get(fold(name), 0) & SURNAME and not _SURNAME_USED.match(norm, end):
            continue  # a family name alone (田中) is a person only as the subject or object of something
        out.append(NameMatch(start, end, name, round(0.6 + 0.3 * p, 2)))
    return out


