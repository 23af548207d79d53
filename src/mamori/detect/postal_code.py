"""郵便番号: 〒 or a label, then NNN-NNNN."""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector


class PostalCode(PatternDetector):
    """Seven-digit postal codes; without 〒 or a label they are just numbers."""

    name = "postal_code"
    category = "postal_code"
    patterns = (re.compile(r"(?<![\d-])\d{3}-\d{4}(?![\d-])"),)
    context = ("〒", "郵便", "郵便番号")
    context_window = 6
    requires_context = True
