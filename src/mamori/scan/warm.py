"""Imported by the worker fork server: loads the detectors' data once, before workers are forked.

The place gazetteer, the name lexicon, the postal-code set and Sudachi's dictionary take a second or
more to load; loaded here, every worker starts with them (shared copy-on-write). Importing this module
has that side effect on purpose — it is named only in ``runner``'s fork-server preload list.
"""

from __future__ import annotations


def warm() -> None:
    """Load the lazily built detector data now; failures are left for the scan to report."""
    try:
        from mamori.detect.address import looks_like_address
        from mamori.detect.names.cell import name_score
        from mamori.detect.names.prose import find_person_names
        from mamori.detect.postal_code import is_valid_postal_code
        from mamori.detect.registry import detectors

        looks_like_address("大阪府堺市堺区南瓦町3番1号")
        name_score("山田 太郎")
        find_person_names("山田太郎様")
        is_valid_postal_code("590-0078")
        detectors()
    except Exception:  # noqa: BLE001 - warming is only a speed-up; the scan reports real failures
        pass


warm()
