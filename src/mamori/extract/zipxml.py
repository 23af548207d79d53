"""Safe access to zip-packaged XML documents (OOXML, ODF): bounded reads, no entity expansion."""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from typing import IO, Any

from lxml import etree

from mamori.errors import CorruptFile, MamoriError, TooLarge
from mamori.i18n import said
from mamori.models import Item

#: One XML part larger than this (uncompressed) is refused: real documents stay far below it.
MAX_PART_BYTES = 64 * 1024 * 1024

#: What zipfile and zlib raise on damaged archives (zipfile is not consistent about it).
ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    NotImplementedError,
    RuntimeError,
    LookupError,
    IndexError,
    OverflowError,
    TypeError,
)

_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "huge_tree": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "recover": False,
}

Element = Any  # lxml's _Element; lxml ships no usable stubs here


def open_zip(stream: IO[bytes], what: str) -> zipfile.ZipFile:
    """Open *stream* as a zip or raise CorruptFile naming the format *what*."""
    try:
        return zipfile.ZipFile(stream)
    except ZIP_ERRORS as exc:
        raise CorruptFile(said("reason.extract.readable_zip_package", what=str(what), exc=str(exc))) from exc


def read_part(zf: zipfile.ZipFile, name: str, what: str, limit: int = MAX_PART_BYTES) -> bytes:
    """The bytes of member *name*, refusing more than *limit* bytes whatever the header claims."""
    try:
        info = zf.getinfo(name)
        if info.flag_bits & 0x1:
            raise CorruptFile(said("reason.extract.part_encrypted_inside_zip", what=str(what), name=str(name)))
        with zf.open(info) as member:
            data = member.read(limit + 1)
    except MamoriError:
        raise
    except ZIP_ERRORS as exc:
        raise CorruptFile(said("reason.extract.part_cannot_read",
                               what=str(what), name=str(name), exc=str(exc))) from exc
    if len(data) > limit:
        raise TooLarge(said("reason.extract.part_expands_beyond_bytes",
                            what=str(what), name=str(name), limit=str(limit)))
    return data


def parse_xml(data: bytes, what: str) -> Element:
    """Parse *data* without resolving entities or loading DTDs; CorruptFile on bad XML."""
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise CorruptFile(said("reason.extract.damaged_xml", what=str(what), exc=str(exc))) from exc
    if root is None:
        raise CorruptFile(said("reason.extract.empty_xml_part", what=str(what)))
    return root


def read_xml(zf: zipfile.ZipFile, name: str, what: str) -> Element:
    """Read and parse one XML member."""
    return parse_xml(read_part(zf, name, what), f"{what} {name}")


def zip_names(head: bytes, item: Item) -> frozenset[str] | None:
    """Member names when the item is a zip (for sniffing), else None; never raises."""
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with item.open() as stream, zipfile.ZipFile(stream) as zf:
            return frozenset(zf.namelist())
    except ZIP_ERRORS:
        return None


def resolve_target(source_part: str, target: str) -> str:
    """The part name a relationship *target* points to, relative to *source_part*."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    base = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(base, target)).lstrip("/")


def relationships(zf: zipfile.ZipFile, part: str, what: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part name) of *part*; empty when it has no .rels member."""
    rels_name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels_name not in zf.NameToInfo:
        return {}
    root = read_xml(zf, rels_name, what)
    out: dict[str, tuple[str, str]] = {}
    for rel in root:
        rid, target = rel.get("Id"), rel.get("Target")
        if rid and target and rel.get("TargetMode") != "External":
            out[rid] = (rel.get("Type") or "", resolve_target(part, target))
    return out


#: Local names of the tags seen so far: documents use a few dozen, and walks ask for each element.
_LOCAL_NAMES: dict[object, str] = {}
_MAX_CACHED_NAMES = 4096


def local(tag: object) -> str:
    """The local name of an lxml tag (comments and PIs give "")."""
    try:
        return _LOCAL_NAMES[tag]
    except KeyError:
        name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        if len(_LOCAL_NAMES) < _MAX_CACHED_NAMES:  # a hostile file cannot grow it without bound
            _LOCAL_NAMES[tag] = name
        return name
    except TypeError:  # unhashable: not a tag lxml makes
        return ""
