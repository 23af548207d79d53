"""Build hook: compile the gettext catalogues (.po → .mo) so a wheel carries them (git ignores the .mo files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogueHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile src/mamori/i18n/locale/*/LC_MESSAGES/*.po with Babel's pure-Python compiler."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root)
        for po in sorted((root / "src" / "mamori" / "i18n" / "locale").glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as handle:
                catalog = read_po(handle, domain=po.stem)
            with po.with_suffix(".mo").open("wb") as out:
                write_mo(out, catalog)
            build_data.setdefault("artifacts", []).append(str(po.with_suffix(".mo").relative_to(root)))
