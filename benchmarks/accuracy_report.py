"""Markdown tables and error listings for ``accuracy.py``."""

from __future__ import annotations

from typing import Any

from accuracy_score import FileError, Score
from presidio_compare import CATEGORY_ENTITY, PACKAGES

MB = 1_000_000
TARGET_F1 = 0.95


TRUTH_NOTE = (
    "The truth is what a careful reviewer marks in a file's content: the people a file names or lists and the "
    "categories of their data. Not counted: a mail's From/To header (the city's own staff), a section's or "
    "office's phone number, a facility's address, officials named only by title, surnames inside company names, "
    "a relative mentioned without a name (their phone in a 備考 note is the listed person's `phone`), the city's "
    "internal 宛名番号. Household lists count every member; an organisation's representative is a person."
)


def _ratio(n: int, d: int) -> str:
    return f"{n}/{d} ({n / d:.3f})" if d else "—"


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def _distinct_line(got: int, truth: int) -> str:
    off = (got - truth) / truth if truth else 0.0
    return f"{got} ({off:+.1%})"


def _main_table(facts: dict[str, Any], ours: Score, theirs: dict[str, Any] | None) -> list[str]:
    p: Score | None = theirs.get("score") if theirs else None
    truth, distinct = facts["truth_distinct"], facts["mamori_distinct"]
    ours_mbs = facts["bytes"] / MB / facts["mamori_seconds"] if facts["mamori_seconds"] else 0.0
    f1_ok = sum(c.f1 >= TARGET_F1 for c in ours.categories)
    rows = [
        ("file-level recall", _ratio(ours.tp, ours.tp + ours.fn), p and _ratio(p.tp, p.tp + p.fn), "1.00",
         ours.recall >= 1.0),
        ("file-level precision", _ratio(ours.tp, ours.tp + ours.fp), p and _ratio(p.tp, p.tp + p.fp), "≥ 0.98",
         ours.precision >= 0.98),
        ("files whose person count is within 1 %", _ratio(ours.counts_within, ours.counts_total),
         p and _ratio(p.counts_within, p.counts_total), "all", ours.counts_within == ours.counts_total),
        (f"distinct people (truth {truth})", _distinct_line(distinct, truth), "—", "within 1 %",
         abs(distinct - truth) <= 0.01 * truth),
        (f"distinct people vs an ideal key-based count ({facts['truth_distinct_linkable']})",
         _distinct_line(distinct, facts["truth_distinct_linkable"]), "—", "—", True),
        ("categories with F1 ≥ 0.95", f"{f1_ok}/{len(ours.categories)}", "—", "all",
         f1_ok == len(ours.categories)),
        ("special-care flag right", _ratio(ours.special_care_right, ours.files - ours.not_inspected), "—", "—", True),
        ("inspectable files not inspected", str(ours.not_inspected), "—", "0", ours.not_inspected == 0),
        ("speed (MB/s of files)", f"{ours_mbs:.2f}", theirs and _presidio_speed(theirs), "—", True),
    ]
    out = ["| measure | mamori | Presidio + GiNZA | target | mamori meets it |", "|---|---|---|---|---|"]
    out += [f"| {m} | {a} | {b or '—'} | {t} | {_mark(ok)} |" for m, a, b, t, ok in rows]
    return out


def _presidio_speed(theirs: dict[str, Any]) -> str:
    if "error" in theirs:
        return "—"
    return f"{theirs['bytes'] / MB / theirs['seconds']:.3f}"


def _category_table(ours: Score, theirs: dict[str, Any] | None) -> list[str]:
    p: Score | None = theirs.get("score") if theirs else None
    theirs_by = {c.category: c for c in p.categories} if p else {}
    out = ["| category | precision | recall | F1 | tp | fp | fn | F1 ≥ 0.95 | Presidio entity | Presidio F1 |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for c in ours.categories:
        entity = CATEGORY_ENTITY.get(c.category, "")
        other = theirs_by.get(c.category)
        pf1 = f"{other.f1:.2f}" if other and entity else "—"
        out.append(f"| {c.category} | {c.precision:.2f} | {c.recall:.2f} | {c.f1:.2f} | {c.tp} | {c.fp} | {c.fn} "
                   f"| {_mark(c.f1 >= TARGET_F1)} | {entity or '—'} | {pf1} |")
    return out


def _worst(ours: Score) -> list[str]:
    worst = ours.worst_counts(10)
    if not worst:
        return []
    out = ["", "Worst per-file person counts (mamori):", "", "| file | kind | format | truth | mamori |",
           "|---|---|---|---|---|"]
    out += [f"| {e.path} | {e.kind} | {e.format} | {e.truth_persons} | {e.got_persons} |" for e in worst]
    return out


def markdown(facts: dict[str, Any], ours: Score, theirs: dict[str, Any] | None) -> str:
    """The whole report as Markdown."""
    head = [
        f"### Accuracy on the synthetic evaluation corpus (seed {facts['seed']})",
        "",
        f"{facts['files']} files, {facts['bytes'] / MB:.1f} MB, {len(facts['formats'])} formats "
        f"({', '.join(facts['formats'])}), {len(facts['kinds'])} document kinds; {ours.files} inspectable "
        f"({ours.tp + ours.fn} with personal data); {len(facts['unreadable_expected'])} image-only PDFs expected "
        f"not inspected, {len(facts['unreadable_reported'])} files reported not inspected. mamori: "
        f"{facts['workers']} worker(s), extraction included. Python {facts['python']} on {facts['machine']}.",
        "",
    ]
    head += [TRUTH_NOTE, ""]
    body = _main_table(facts, ours, theirs)
    if theirs and "error" in theirs:
        body += ["", f"Presidio could not run: {theirs['error']}"]
    elif theirs:
        loose: Score = theirs["any_entity"]
        body += ["", f"Presidio: {', '.join(PACKAGES)}; spaCy NLP engine on `ja_ginza` (GiNZA NER labels mapped "
                 "to PERSON/LOCATION/PHONE_NUMBER/EMAIL_ADDRESS/AGE/DATE_TIME) plus its e-mail, phone (JP), "
                 "credit-card, IBAN, IP, URL and date recognizers; default score threshold. A file counts as "
                 "personal when Presidio finds a PERSON, e-mail, phone, card or IBAN; person counts are distinct "
                 f"PERSON texts. With \"any entity\" as the rule instead: recall {loose.recall:.3f}, precision "
                 f"{loose.precision:.3f}. Presidio's speed is analysis only (one process, model loading "
                 f"{theirs['load_seconds']:.1f} s and mamori's text extraction not counted; "
                 f"{theirs['text_chars'] / 1e6:.2f} M characters of text)."]
    body += ["", "Per category (mamori; Presidio where it has a matching entity):", ""]
    body += _category_table(ours, theirs)
    body += _worst(ours)
    return "\n".join(head + body)


def _error_line(e: FileError) -> str:
    bits = [f"{e.what:13}", e.path, f"[{e.kind}, {e.format}{', ' + e.encoding if e.encoding else ''}]"]
    if e.missed:
        bits.append("missed: " + ",".join(e.missed))
    if e.extra:
        bits.append("extra: " + ",".join(e.extra))
    if e.what in ("count", "FP", "FN"):
        bits.append(f"persons truth {e.truth_persons} got {e.got_persons}")
    if e.what == "not inspected":
        bits.append(f"status {e.status}")
    return "  ".join(bits)


def error_lines(s: Score, tool: str, *, files_only: bool = False) -> list[str]:
    """Every disagreement: file-level errors first, then (unless *files_only*) category and count mismatches."""
    order = {"FN": 0, "not inspected": 1, "FP": 2, "categories": 3, "count": 4}
    errors = sorted((e for e in s.errors if not files_only or order[e.what] < 3),
                    key=lambda e: (order[e.what], e.kind, e.format, e.path))
    return ["", f"Errors of {tool} ({len(errors)}):", *(_error_line(e) for e in errors)]
