"""Forms the city prints: HTML rendered to PDF with WeasyPrint (imported only when a PDF is asked for)."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string

from mamori.errors import ConfigError


def pdf_response(template: str, context: dict[str, object], filename: str) -> HttpResponse:
    """`template` rendered and printed to an A4 PDF, as a download named `filename`."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except ImportError as exc:  # the [pdf] extra
        raise ConfigError("printing forms needs WeasyPrint: pip install 'mamori[pdf]'") from exc
    html = render_to_string(template, context)
    data = HTML(string=html).write_pdf()
    return binary_response(data or b"", "application/pdf", filename)


def binary_response(data: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download whose name may be Japanese (RFC 6266 filename*)."""
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
