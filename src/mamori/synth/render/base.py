"""What a renderer is and the registry of built-in renderers."""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar, Protocol

from mamori.registry import Registry, from_specs
from mamori.synth.model import SynthDoc


class Renderer(Protocol):
    """Turns a SynthDoc into the bytes of one file format.

    ``encodings`` lists the text encodings the format can be written in (empty for binary
    formats); ``render`` takes one of them, or None for the format's usual default.
    """

    name: ClassVar[str]  # format id, e.g. "csv", "xlsx", "pdf_image"
    suffix: ClassVar[str]  # file extension with the dot
    encodings: ClassVar[tuple[str, ...]]

    def render(self, doc: SynthDoc, encoding: str | None = None) -> bytes: ...


#: "module:Class" of every built-in renderer; one line per format.
BUILTIN_RENDERERS: tuple[str, ...] = (
    "mamori.synth.render.xlsx:XlsxRenderer",
    "mamori.synth.render.xlsx:XlsmRenderer",
    "mamori.synth.render.xls:XlsRenderer",
    "mamori.synth.render.ods:OdsRenderer",
    "mamori.synth.render.pdf:PdfRenderer",
    "mamori.synth.render.pdf_image:PdfImageRenderer",
    "mamori.synth.render.docx:DocxRenderer",
    "mamori.synth.render.doc:DocRenderer",
    "mamori.synth.render.pptx:PptxRenderer",
    "mamori.synth.render.odt:OdtRenderer",
    "mamori.synth.render.msg:MsgRenderer",
    "mamori.synth.render.textual:CsvRenderer",
    "mamori.synth.render.textual:TsvRenderer",
    "mamori.synth.render.textual:PsvRenderer",
    "mamori.synth.render.textual:TxtRenderer",
    "mamori.synth.render.textual:HtmlRenderer",
    "mamori.synth.render.rtf:RtfRenderer",
    "mamori.synth.render.eml:EmlRenderer",
)


@lru_cache(maxsize=1)
def renderers() -> Registry[Renderer]:
    """Every renderer by format id, built-in and plugged in (entry point group ``mamori.renderers``)."""
    return from_specs("renderer", BUILTIN_RENDERERS, "mamori.renderers")


def render(doc: SynthDoc, fmt: str, encoding: str | None = None) -> bytes:
    """Render *doc* as format *fmt* (a renderer name)."""
    return renderers().get(fmt).render(doc, encoding)
