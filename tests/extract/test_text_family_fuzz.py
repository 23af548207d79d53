"""Every text-family extractor, on arbitrary bytes under any name, raises only MamoriError."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.errors import MamoriError
from mamori.extract.delimited import DelimitedExtractor
from mamori.extract.htmlpage import HtmlExtractor
from mamori.extract.mail import MailExtractor
from mamori.extract.plaintext import PlainTextExtractor
from mamori.extract.rtf import RtfExtractor
from mamori.models import Item

EXTRACTORS = [DelimitedExtractor(), PlainTextExtractor(), HtmlExtractor(), RtfExtractor(), MailExtractor()]
NAMES = st.sampled_from(["a.csv", "a.tsv", "a.psv", "a.txt", "a.log", "a.html", "a.htm", "a.rtf", "a.eml", "a",
                         "x.bin", "名簿.CSV", "dir/a.zip!inner.eml"])
PREFIXES = st.sampled_from([b"", b"{\\rtf1\\ansi\\ansicpg932 ", b"<!DOCTYPE html><html>", b"From: a@b\r\nTo: c@d\r\n",
                            b"\xef\xbb\xbf", b"\xff\xfe", b"a,b,c\r\n", b"\x1b$B", b"Content-Type: multipart/mixed; "
                            b'boundary="B"\r\nFrom: a\r\nTo: b\r\n\r\n--B\r\n'])
# Bytes that steer parsers into their interesting states.
CHUNKS = st.lists(st.sampled_from([b"\\'82", b"\\u-1?", b"{", b"}", b"\\cell", b"\\row", b"\\bin9", b"<table><tr><td>",
                                   b"</td>", b'"', b",", b"|", b"\r\n", b"\x00", b"\x83\x7c", b"=?ISO-2022-JP?B?GyRC?=",
                                   b"--B\r\n", b"Content-Type: message/rfc822\r\n\r\n", b"\x1b(I", b"\x8e"]),
                  max_size=30)


@pytest.mark.parametrize("extractor", EXTRACTORS, ids=lambda e: e.name)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=PREFIXES, body=st.binary(max_size=400), chunks=CHUNKS, name=NAMES)
def test_arbitrary_bytes_raise_only_mamori_errors(
    extractor: object, prefix: bytes, body: bytes, chunks: list[bytes], name: str
) -> None:
    data = prefix + b"".join(chunks) + body
    item = Item(path=name, size=len(data), sha256="", data=data)
    try:
        extractor.sniff(data[:8192], item)  # type: ignore[attr-defined]
        extractor.extract(io.BytesIO(data), item)  # type: ignore[attr-defined]
    except MamoriError:
        pass
