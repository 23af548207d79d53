"""Meta-tests: every registered extractor/renderer/archive format is tested and documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from mamori.evidence.archives import archive_formats
from mamori.extract.registry import extractors
from mamori.synth.render.base import renderers

ROOT = Path(__file__).resolve().parents[2]
TEST_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
FORMATS_DOC = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("extractor", list(extractors()), ids=lambda e: e.name)
def test_every_extractor_is_tested_and_documented(extractor: object) -> None:
    cls_name = type(extractor).__name__
    assert cls_name in TEST_TEXT, f"no test mentions {cls_name}"
    assert f"`{extractor.name}`" in FORMATS_DOC, f"docs/formats.md has no line for `{extractor.name}`"  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", list(archive_formats()), ids=lambda f: f.name)
def test_every_archive_format_is_documented(fmt: object) -> None:
    assert f"`{fmt.name}`" in FORMATS_DOC  # type: ignore[attr-defined]


def test_every_renderer_round_trips_through_an_extractor() -> None:
    from mamori.extract.registry import choose
    from mamori.models import Item
    from mamori.synth.model import SynthDoc

    doc = SynthDoc(title="名簿", kind="roster", header=("氏名", "住所"), rows=(("山田　太郎", "大阪府堺市堺区南瓦町3番1号"),))
    for renderer in renderers():
        data = renderer.render(doc, None)
        item = Item(path=f"x{renderer.suffix}", size=len(data), sha256="", data=data)
        head = data[:8192]
        if renderer.name == "pdf_image":
            continue
        found = choose(item, head, generic=False) or choose(item, head, generic=True)
        assert found is not None or renderer.name in ("eml",), f"nothing reads {renderer.name}"
