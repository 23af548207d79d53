"""犯罪歴 (要配慮): offences, sentences, arrests and prosecutions of a person.

A law's name or the word 逮捕 in a news item or a city's crime-prevention page is no one's record, so
in running text an offence counts only beside a person word (様, 氏, 被疑者, 本人 …) or a record label
(前科, 犯罪歴, 罪名 …), and a sentence (懲役3年, 罰金30万円) counts wherever it is written with its term.
Table cells (罪名, 刑名刑期) are judged with :func:`is_criminal_record_value` by the column classifier.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mamori.detect.base import Finding, PatternDetector
from mamori.models import Location

_NUM = r"[0-9一二三四五六七八九十百]+"
#: A sentence with its term or amount: 懲役3年, 禁錮1年6月, 罰金30万円, 執行猶予4年, 科料9千円.
_SENTENCE = (rf"(?:懲役|禁錮|禁固|拘禁刑|拘留)\s*{_NUM}\s*(?:年|か月|ヶ月|ケ月|月|日)(?:\s*{_NUM}\s*(?:か月|ヶ月|月))?"
             rf"|(?:罰金|科料)\s*{_NUM}\s*(?:万|千)?\s*円|執行猶予\s*{_NUM}\s*年|無期懲役|死刑")
#: Offences as a 罪名 column writes them.
_OFFENCES = ("窃盗", "詐欺", "強盗", "傷害", "暴行", "横領", "背任", "恐喝", "脅迫", "殺人", "放火", "強制わいせつ",
             "不同意わいせつ", "住居侵入", "建造物侵入", "器物損壊", "公務執行妨害", "過失運転致死傷", "危険運転致死傷",
             "業務上過失致死傷", "贈賄", "収賄", "偽造", "賭博", "覚醒剤", "覚せい剤", "大麻", "麻薬", "売春",
             "ストーカー", "盗撮", "誘拐", "監禁", "名誉毀損", "文書偽造")
#: Offences against a law: 道路交通法違反, 公職選挙法違反, 覚醒剤取締法違反.
_LAW_OFFENCE = r"[\u4e00-\u9fff・]{1,20}(?:法|条例)違反"
_OFFENCE = rf"(?:{_LAW_OFFENCE}|{'|'.join(map(re.escape, sorted(_OFFENCES, key=len, reverse=True)))})(?:罪|未遂|事件)?"
_CELL = re.compile(rf"(?:{_OFFENCE}|{_SENTENCE})(?:[\s、,・/]*(?:{_OFFENCE}|{_SENTENCE}))*")
_SENTENCE_RE = re.compile(_SENTENCE)
#: 詐欺被害, 窃盗に注意: a victim or a warning, not an offender.
_EVENT = re.compile(rf"(?P<v>{_OFFENCE}|逮捕|起訴|書類送検|有罪判決|実刑判決|前科|前歴|犯罪歴|犯歴)"
                    r"(?!\s*(?:被害|の被害|に(?:ご)?注意|防止|対策|未然|予防|撲滅|を装))")
#: Record labels: an offence or an arrest next to one is a person's record.
_LABELS = ("前科", "前歴", "犯罪歴", "犯歴", "罪名", "刑名", "刑期", "判決", "逮捕歴", "補導歴")
#: Person words (an honorific, a role in a case, a relative, an age); 皆様/みなさん/氏名 address everyone or
#: label a form.
_PERSON = re.compile(r"(?<![皆各])様|(?<!みな)さん|氏(?!名)|容疑者|被疑者|被告人?|受刑者|加害者|本人|当該職員|同人"
                     r"|相談者|対象者|長男|長女|次男|次女|息子|父親|母親|\d{1,3}\s*[歳才]")
_WINDOW = 20


def is_criminal_record_value(value: str) -> bool:
    """Cell check: *value* is an offence or a sentence (窃盗, 道路交通法違反, 懲役2年 執行猶予3年)."""
    v = value.strip()
    return 0 < len(v) <= 40 and bool(_CELL.fullmatch(v))


class CriminalRecord(PatternDetector):
    """Sentences with their terms anywhere; offences, arrests and convictions beside a person or a label."""

    name = "criminal_record"
    category = "criminal_record"
    patterns = (_SENTENCE_RE,)
    base_confidence = 0.85
    # a sentence, or an event word (_EVENT without its lookahead: a line's end is not the text's end)
    prefilter = (_SENTENCE_RE, re.compile(rf"{_OFFENCE}|逮捕|起訴|書類送検|有罪判決|実刑判決|前科|前歴|犯罪歴|犯歴"))

    def find(self, text: str, location: Location) -> Iterator[Finding]:
        """Sentences, then offences and events within a window of a person word or a record label."""
        yield from super().find(text, location)
        for m in _EVENT.finditer(text):
            lo, hi = max(0, m.start() - _WINDOW), min(len(text), m.end() + _WINDOW)
            near = text[lo : m.start()] + "\0" + text[m.end() : hi]
            labelled = any(label in near for label in _LABELS)
            person = bool(_PERSON.search(near))
            if labelled or person:
                yield Finding(self.category, m.group("v"), location, 0.9 if labelled else 0.8, self.name)
