"""RtfExtractor: Word-style RTF with CP932 escapes, Unicode escapes and tables."""

from __future__ import annotations

import io
import time

import pytest

from mamori.extract.rtf import RtfExtractor, rtf_content
from mamori.models import Item
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render

DOC = SynthDoc(
    title="通知書 {重要}", kind="letter",
    paragraphs=("髙橋　﨑子 様", "住所：大阪府堺市堺区南瓦町３番１号 ①～ソ表ポ\\ ﾔﾏﾀﾞ ﾀﾛｳ 𠮷"),
    header=("氏名", "生年月日"), rows=(("髙橋　﨑子", "昭和45年3月2日"), ("ﾔﾏﾀﾞ ﾀﾛｳ", "2行\n目"))
)


def test_round_trip() -> None:
    data = render(DOC, "rtf")
    assert b"\\ansicpg932" in data and b"\\'e9\\'ab" not in data and b"\\'ee\\'e0" in data  # 髙 as CP932
    item = Item(path="letter.rtf", size=len(data), sha256="", data=data)
    assert RtfExtractor().sniff(data[:8192], item)
    document = RtfExtractor().extract(io.BytesIO(data), item)
    assert [b.text for b in document.blocks] == [DOC.title, *DOC.paragraphs]
    assert document.tables[0].rows == tuple(DOC.table_rows())


@pytest.mark.parametrize(
    ("rtf", "text"),
    [
        (rb"{\rtf1\ansi\ansicpg932\uc2\u39641\'fb\'fc\u27211\'8b\'b4 ok}", "髙橋 ok"),
        (rb"{\rtf1\ansi\ansicpg932 \'82\'a0\'83\'5c\'95\'5c}", "あソ表"),
        (rb"{\rtf1\ansi{\fonttbl{\f0\fcharset128 MS;}{\f1\fcharset0 Arial;}}\f0\'82\'a0\f1 x}", "あx"),
        (rb"{\rtf1\ansi\uc0\u-10179\u-8694 x}", "😊x"),
        (rb"{\rtf1\ansi\ansicpg932{\*\generator secret}{\info{\author \'8e\'52}}visible}", "visible"),
        (rb"{\rtf1\ansi\ansicpg932 a\tab b\line c\~d\{e\}\\}", "a\tb\nc\u00a0d{e}\\"),
        (rb"{\rtf1 {\pict\bin4 }}}}} tail}", "tail"),
        (rb"{\rtf1 done} out of band", "done"),
        # runs of \'hh escapes are decoded together; a \uN fallback skip may end inside one
        (rb"{\rtf1\ansi\ansicpg932\uc2\u39641\'fb\'fc\'82\'a0 ok}", "髙あ ok"),
        (rb"{\rtf1\ansi\ansicpg932\uc3\u39641\'fb\'fcab}", "髙b"),
        (rb"{\rtf1\ansi\ansicpg932\'82\'a0\'82\'a2\par\'82\'a4}", "あい\nう"),
        # \bin data inside a run of control words is skipped, not read as more control words
        (rb"{\rtf1 {\pict\bin4\par}x\par} y}", "x"),
        (rb"{\rtf1\ansi{\fonttbl{\f1\froman\fcharset128{\*\panose 0}MS;}}\f1\'82\'a0}", "あ"),
    ],
)
def test_escapes(rtf: bytes, text: str) -> None:
    blocks, _ = rtf_content(rtf)
    assert "\n".join(b.text for b in blocks) == text


def test_cells_with_pipes_stay_cells() -> None:
    rtf = rb"{\rtf1\ansi\trowd\cellx100\cellx200\pard\intbl a|b\cell c\cell\row\pard after\par}"
    blocks, tables = rtf_content(rtf)
    assert tables[0].rows == (("a|b", "c"),)
    assert [b.text for b in blocks] == ["after"]


@pytest.mark.parametrize("head", [b"{\\rtf1\\ansi", b"\xef\xbb\xbf{\\rtf1", b"\r\n{\\rtf"])
def test_sniff(head: bytes) -> None:
    assert RtfExtractor().sniff(head, Item(path="x", size=len(head), sha256=""))


def test_font_table_scan_is_linear() -> None:
    """Many \\fN in brace-less text once made the font-table scan quadratic (minutes for 300 kB)."""
    def cpu_seconds(repeats: int) -> float:
        rtf = b"{\\rtf1\\ansi{\\fonttbl{\\f0\\fcharset128 MS;}}" + b"\\f0 x" * repeats + b"\\'82\\'a0}"
        start = time.process_time()
        blocks, _ = rtf_content(rtf)
        spent = time.process_time() - start
        assert blocks[0].text == "x" * repeats + "あ"
        return spent

    # Four times the input costs about four times the work when linear, sixteen when quadratic; CPU time of
    # two runs in one process, compared with each other, does not depend on how busy the machine is.
    small, large = min(cpu_seconds(15_000) for _ in range(3)), min(cpu_seconds(60_000) for _ in range(3))
    growth = large / max(small, 1e-4)
    assert growth < 10
