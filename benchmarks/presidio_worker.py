"""Presidio side of ``benchmarks/accuracy.py``: runs inside its own venv, never imports mamori.

Reads JSON lines ``{"path": ..., "text": ...}`` (text extracted by mamori's extractors, so both tools
see the same text) from argv[1] and writes one JSON line per document to argv[2]:
``{"path", "entities": {TYPE: [distinct texts]}, "seconds"}`` and a last line ``{"load_seconds"}``.

The analyzer is Presidio's ``AnalyzerEngine`` with the spaCy NLP engine on GiNZA (``ja_ginza``),
its NER labels mapped to Presidio entities, plus Presidio's pattern recognizers (e-mail, phone with
the JP region, credit card, IBAN, IP address, URL, date) registered for Japanese.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator
from types import SimpleNamespace

import tldextract
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    DateRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
    UrlRecognizer,
)
from presidio_analyzer.predefined_recognizers.generic import email_recognizer

#: GiNZA (extended named-entity hierarchy) labels → Presidio entities; other labels are dropped.
GINZA_TO_PRESIDIO = {
    "Person": "PERSON",
    "Province": "LOCATION", "City": "LOCATION", "County": "LOCATION", "GPE_Other": "LOCATION",
    "Postal_Address": "LOCATION", "Location_Other": "LOCATION", "Domestic_Region": "LOCATION",
    "Phone_Number": "PHONE_NUMBER", "Email": "EMAIL_ADDRESS", "Age": "AGE", "Date": "DATE_TIME",
    "ID_Number": "ID_NUMBER", "Disease_Other": "MEDICAL",
}
#: Sudachi refuses inputs over 49,149 bytes; chunks of this many characters stay well under it.
CHUNK_CHARS = 4000


def chunks(text: str) -> Iterator[tuple[int, str]]:
    """(offset, piece) at line boundaries, each at most CHUNK_CHARS long (long lines are cut)."""
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK_CHARS)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


def build() -> AnalyzerEngine:
    """The analyzer: GiNZA NER plus the pattern recognizers, all for language "ja"."""
    # No network here: tldextract must use its bundled suffix list instead of fetching one.
    offline = tldextract.TLDExtract(suffix_list_urls=())
    email_recognizer.tldextract = SimpleNamespace(extract=offline)  # type: ignore[attr-defined]
    labels = sorted(set(GINZA_TO_PRESIDIO.values()))
    config = NerModelConfiguration(model_to_presidio_entity_mapping=GINZA_TO_PRESIDIO,
                                   labels_to_ignore=[], low_score_entity_names=[])
    nlp = SpacyNlpEngine(models=[{"lang_code": "ja", "model_name": "ja_ginza"}], ner_model_configuration=config)
    nlp.load()
    registry = RecognizerRegistry(supported_languages=["ja"])
    for recognizer in (
        SpacyRecognizer(supported_language="ja", supported_entities=labels),
        EmailRecognizer(supported_language="ja"),
        PhoneRecognizer(supported_language="ja", supported_regions=("JP",)),
        CreditCardRecognizer(supported_language="ja"),
        IbanRecognizer(supported_language="ja"),
        IpRecognizer(supported_language="ja"),
        UrlRecognizer(supported_language="ja"),
        DateRecognizer(supported_language="ja"),
    ):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["ja"])


def analyze(engine: AnalyzerEngine, text: str) -> dict[str, list[str]]:
    """Distinct entity texts by Presidio entity type (default score threshold)."""
    found: dict[str, set[str]] = {}
    for _, piece in chunks(text):
        if not piece.strip():
            continue
        for result in engine.analyze(piece, language="ja"):
            found.setdefault(result.entity_type, set()).add(piece[result.start:result.end])
    return {k: sorted(v) for k, v in found.items()}


def main(argv: list[str]) -> int:
    """Analyze every document of argv[1] into argv[2]."""
    logging.disable(logging.WARNING)
    started = time.perf_counter()
    engine = build()
    engine.analyze("山田太郎", language="ja")  # warm up lazily built parts before timing documents
    load_seconds = time.perf_counter() - started
    with open(argv[1], encoding="utf-8") as source, open(argv[2], "w", encoding="utf-8") as target:
        for line in source:
            doc = json.loads(line)
            t0 = time.perf_counter()
            entities = analyze(engine, doc["text"])
            target.write(json.dumps({"path": doc["path"], "entities": entities,
                                     "seconds": time.perf_counter() - t0}, ensure_ascii=False) + "\n")
        target.write(json.dumps({"load_seconds": load_seconds}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
