"""Suite-wide settings (hypothesis is derandomised under CI so a run is reproducible) and shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """mamori's cache folder in *tmp_path*, with the data loaded from it forgotten before and after."""
    from mamori.detect import places, postal_code
    from mamori.detect.names import lexicon

    loaders = (places.gazetteer, postal_code.known_codes, lexicon.lexicon)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for loader in loaders:
        loader.cache_clear()
    yield tmp_path
    for loader in loaders:
        loader.cache_clear()
