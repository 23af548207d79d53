"""Pictures (PNG, JPEG, TIFF, GIF, BMP, WebP): a scanned 申請書 or a photo. Only OCR reads their text,
so without ``--ocr`` they are ``needs_ocr`` — never "clean". With OCR the scanner reads them
through ``mamori.extract.ocr``."""

from __future__ import annotations

from typing import BinaryIO, ClassVar

from mamori.errors import NeedsOCR
from mamori.extract.ocr import image_kind
from mamori.models import Document, Item


class RasterImageExtractor:
    """Images of pages: recognised by magic bytes and handed to OCR."""

    name: ClassVar[str] = "image"
    priority: ClassVar[int] = 40

    def sniff(self, head: bytes, item: Item) -> bool:
        return image_kind(head) is not None

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        kind = image_kind(stream.read(32)) or "image"
        raise NeedsOCR(f"a {kind.upper()} image (a scan or a photo): its text can only be read by OCR; "
                       "scan again with --ocr")
