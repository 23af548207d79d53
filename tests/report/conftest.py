"""A small generated 2015-like case, investigated once for every report test."""

from __future__ import annotations

import pytest
from report_case import Investigated, investigate_small_case


@pytest.fixture(scope="session")
def investigated(tmp_path_factory: pytest.TempPathFactory) -> Investigated:
    return investigate_small_case(tmp_path_factory.mktemp("report_case"))
