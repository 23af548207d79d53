"""The extractor registry: built-ins listed once here, third parties via entry points."""

from __future__ import annotations

from functools import lru_cache

from mamori.extract.base import GENERIC_PRIORITY, Extractor
from mamori.models import Item
from mamori.registry import Registry, from_specs

#: "module:Class" of every built-in extractor. Adding a format is one new module and one line here.
BUILTIN_EXTRACTORS: tuple[str, ...] = (
    "mamori.extract.office_crypto:EncryptedOfficeExtractor",
    "mamori.extract.spreadsheet:SpreadsheetExtractor",
    "mamori.extract.pdf:PdfExtractor",
    "mamori.extract.raster:RasterImageExtractor",
    "mamori.extract.word:WordExtractor",
    "mamori.extract.word_legacy:WordLegacyExtractor",
    "mamori.extract.slides:SlidesExtractor",
    "mamori.extract.odf_text:OdfTextExtractor",
    "mamori.extract.outlook:OutlookExtractor",
    "mamori.extract.htmlpage:HtmlExtractor",
    "mamori.extract.rtf:RtfExtractor",
    "mamori.extract.mail:MailExtractor",
    "mamori.extract.sqldump:SqlDumpExtractor",
    "mamori.extract.delimited:DelimitedExtractor",
    "mamori.extract.plaintext:PlainTextExtractor",
)


@lru_cache(maxsize=1)
def extractors() -> Registry[Extractor]:
    """All extractors, built-in and plugged in (entry point group ``mamori.extractors``)."""
    return from_specs("extractor", BUILTIN_EXTRACTORS, "mamori.extractors")


def choose(item: Item, head: bytes, *, generic: bool) -> Extractor | None:
    """The highest-priority extractor that claims *item*; specific ones, or else generic ones."""
    candidates = [
        e for e in extractors() if (e.priority <= GENERIC_PRIORITY) == generic
    ]
    candidates.sort(key=lambda e: -e.priority)
    for extractor in candidates:
        if extractor.sniff(head, item):
            return extractor
    return None
