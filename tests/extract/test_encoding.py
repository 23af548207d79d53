"""encoding.decode / TextStream: the detection table, the CP932–EUC-JP ambiguity, ISO-2022-JP, big files."""

from __future__ import annotations

import codecs
import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.errors import DecodingError, MamoriError
from mamori.extract.encoding import TextStream, decode, normalize_encoding, text_sample
from mamori.extract.iso2022 import decode_iso2022jp, encode_iso2022jp

HARD = "髙橋　﨑子 ① ～ ソ表ポ ㈱ ﾔﾏﾀﾞ ﾀﾛｳ 大阪府堺市堺区南瓦町３番１号 昭和45年3月2日"
EUC_SAFE = "山田　花子 ～ ソ表ポ ﾔﾏﾀﾞ ﾊﾅｺ 大阪府堺市堺区南瓦町３番１号 昭和45年3月2日"
PROSE = "本日は晴天なり。住民基本台帳に基づき、下記のとおり通知します。"


def _euc(text: str) -> bytes:
    return b"".join(c.encode("euc_jp") if c != "～" else c.encode("euc_jis_2004") for c in text)


@pytest.mark.parametrize(
    ("data", "encoding", "text"),
    [
        (HARD.encode("cp932"), "cp932", HARD),
        (HARD.encode("utf-8"), "utf-8", HARD),
        (codecs.BOM_UTF8 + HARD.encode("utf-8"), "utf-8-sig", HARD),
        (HARD.encode("utf-16"), "utf-16", HARD),
        (HARD.encode("utf-32"), "utf-32", HARD),
        (PROSE.encode("euc_jp"), "euc_jp", PROSE),
        (_euc(EUC_SAFE), "euc_jis_2004", EUC_SAFE),
        ("①㈱﨑".encode("euc_jis_2004"), "euc_jis_2004", "①㈱﨑"),
        (encode_iso2022jp(HARD), "iso2022_jp", HARD),
        ("こんにちは".encode("iso2022_jp"), "iso2022_jp", "こんにちは"),
        (b"plain ascii, 123", "ascii", "plain ascii, 123"),
        (b"", "ascii", ""),
    ],
    ids=["cp932", "utf-8", "utf-8-sig", "utf-16", "utf-32", "euc-jp", "euc-jp-ext", "euc-jis-2004",
         "iso-2022-jp-ms", "iso-2022-jp", "ascii", "empty"],
)
def test_detection_table(data: bytes, encoding: str, text: str) -> None:
    decoded = decode(data)
    assert decoded.text == text
    assert decoded.encoding == encoding
    assert not [p for p in decoded.problems if p.code == "encoding.replaced"]


def _ambiguous(text: str) -> bool:
    try:
        text.encode("euc_jp").decode("cp932")
    except UnicodeDecodeError:
        return False
    return True


EUC_POOL = ["山田太郎です。大阪府堺市に住んでいます。", "氏名,住所\n山田花子,大阪市北区\n", "こんにちは",
            "生年月日：昭和45年3月2日", "ｻﾄｳ ﾀﾛｳ,ﾔﾏﾀﾞ ﾊﾅｺ", "鈴木一郎\n佐藤花子\n田中次郎", "東京都千代田区",
            "ありがとうございました", "山田　太郎", "申請書を受け付けました", "住所：大阪府堺市堺区"]
#: Real Japanese in EUC-JP whose bytes are valid CP932 too (the ambiguity is real for these).
EUC_AMBIGUOUS = [t for t in EUC_POOL if _ambiguous(t)]


def test_the_ambiguous_pool_is_not_empty() -> None:
    assert len(EUC_AMBIGUOUS) >= 5


@pytest.mark.parametrize("text", EUC_AMBIGUOUS)
def test_euc_jp_that_also_decodes_as_cp932_is_read_as_euc_jp(text: str) -> None:
    assert decode(text.encode("euc_jp")).text == text


@pytest.mark.parametrize("text", ["ﾔﾏﾀﾞ ﾀﾛｳ", "ｽｽﾞｷ ｲﾁﾛｳ,ﾀﾅｶ ﾊﾅｺ", "ｾﾝﾀｰ", "ｱｲｳｴ", "ﾊﾟｿｺﾝ", "1234 ｶﾄｳ ｹﾝｲﾁ"])
def test_short_half_width_kana_cp932_stays_cp932(text: str) -> None:
    data = text.encode("cp932")
    assert decode(data).text == text


def test_mislabeled_hint_is_only_a_hint() -> None:
    data = HARD.encode("utf-8")
    assert decode(data, "Shift_JIS").text == HARD
    assert decode(HARD.encode("cp932"), "Shift_JIS").encoding == "cp932"


@pytest.mark.parametrize(
    ("name", "codec"),
    [("Shift_JIS", "cp932"), ("shift-jis", "cp932"), ("Windows-31J", "cp932"), ("x-sjis", "cp932"),
     ("EUC-JP", "euc_jp"), ("ISO-2022-JP", "iso2022_jp"), ("utf-8", "utf-8"), ("UTF8", "utf-8"),
     ("us-ascii", "utf-8"), ("nonsense", None), ("", None), (None, None)],
)
def test_normalize_encoding(name: str | None, codec: str | None) -> None:
    assert normalize_encoding(name) == codec


def test_iso2022jp_cp932_extensions_and_kana_survive() -> None:
    text = "①②㈱髙﨑 ﾊﾝｶｸ ｶﾀｶﾅ\r\nabc"
    assert decode_iso2022jp(encode_iso2022jp(text)) == (text, 0)


def test_iso2022jp_so_si_kana_and_jis_x_0213() -> None:
    assert decode_iso2022jp(b"\x1b(Babc\x0e\x31\x32\x0fdef") == ("abcｱｲdef", 0)
    assert decode_iso2022jp("﨑".encode("iso2022_jp_2004")) == ("﨑", 0)


def test_binary_raises_decoding_error() -> None:
    with pytest.raises(DecodingError):
        decode(bytes(range(32)) * 100 + b"\xff\xfe\x00\x81" * 50)


def test_undecodable_text_is_replaced_with_a_problem() -> None:
    decoded = decode("山田太郎は".encode("cp932") + b"\x80\xff\xa0" + "大阪".encode() * 3)
    assert "\ufffd" in decoded.text or decoded.encoding not in ("utf-8",)
    assert "山田" in decoded.text or decoded.problems


def test_text_stream_switches_encoding_when_a_later_chunk_fails() -> None:
    data = b"id,name\r\n" * 200 + "1,ソ表ポ髙橋\r\n".encode("cp932") * 50
    stream = TextStream(io.BytesIO(data), head_size=512, chunk_size=100)
    text = "".join(stream.chunks())
    assert text == data.decode("cp932")
    assert [p.code for p in stream.problems] == ["encoding.changed"]


def test_text_stream_replaces_garbage_after_a_utf8_head() -> None:
    data = "山田太郎\n".encode() * 100 + b"\xff\xfe\xfd\x00\x01garbage\n"
    stream = TextStream(io.BytesIO(data), head_size=256, chunk_size=64)
    text = "".join(stream.chunks())
    assert text.startswith("山田太郎\n" * 50)
    assert stream.problems


def test_text_stream_lines_join_crlf_split_across_chunks() -> None:
    data = b"a\r\nbb\r\nccc\rdddd\n" * 30
    stream = TextStream(io.BytesIO(data), head_size=7, chunk_size=3)
    lines = list(stream.lines())
    assert lines == io.StringIO(data.decode(), newline="").readlines()


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="山田髙﨑①～ソ表ポｱﾔﾏﾀﾞ　abc,\"|\t\r\n0"), st.integers(1, 40), st.integers(1, 9),
       st.sampled_from(["utf-8", "cp932"]))
def test_text_stream_equals_whole_decode(text: str, head: int, chunk: int, codec: str) -> None:
    data = text.encode(codec)
    stream = TextStream(io.BytesIO(data), head_size=head, chunk_size=chunk)
    # Three bytes of CP932 can be valid UTF-8 (ﾏ① = CF 87 40 = "χ@"): compare with the whole decode.
    assert "".join(stream.chunks()) == decode(data).text or stream.problems


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.one_of(st.none(), st.sampled_from(["shift_jis", "euc-jp", "iso-2022-jp",
                                                                      "utf-8", "bogus", "utf-16"])))
def test_decode_arbitrary_bytes_raises_only_mamori_errors(data: bytes, hint: str | None) -> None:
    text_sample(data, hint)
    with contextlib.suppress(MamoriError):
        assert isinstance(decode(data, hint).text, str)
    with contextlib.suppress(MamoriError):
        stream = TextStream(io.BytesIO(data), hint, head_size=16, chunk_size=5)
        assert isinstance("".join(stream.lines()), str)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        # CP932 bytes that are also valid UTF-8 by chance (山﨑 → ED 95 8E 52 reads as 핎R): Japanese wins.
        (",﨑山\r\n".encode("cp932"), ",﨑山\r\n"),
        ('"",﨑山\r\n'.encode("cp932"), '"",﨑山\r\n'),
        # UTF-8 that CP932 would also read, as half-width kana and rare kanji: UTF-8 stays.
        ("Größe,1\n".encode(), "Größe,1\n"),
        ("Café crème,1\n".encode(), "Café crème,1\n"),
        ("김민수,1\n".encode(), "김민수,1\n"),
        ("山田,1\n".encode(), "山田,1\n"),
    ],
)
def test_short_text_valid_in_both_utf8_and_cp932(data: bytes, text: str) -> None:
    assert decode(data).text == text


@given(st.lists(st.sampled_from(list("山田髙﨑太郎花子佐藤鈴木高橋渡辺伊藤")), min_size=1, max_size=6).map("".join))
def test_short_japanese_names_in_cp932_round_trip(name: str) -> None:
    data = f"{name},1\r\n".encode("cp932")
    assert decode(data).text == f"{name},1\r\n"
