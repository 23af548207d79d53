"""HTML report rendered with Jinja2 (autoescaped; file names are untrusted input).

One self-contained page: the summary, the scan's parameters, totals per top folder (a 課's share), and the
item table, which a small inline script (allowed by its hash in the page's CSP) sorts and filters.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, TextIO

from mamori.i18n import t
from mamori.models import ItemResult, ScanSummary
from mamori.people.dedupe import DistinctPeople
from mamori.report.find.base import ScanContext, StreamReport, headers, row_values, summary_rows
from mamori.report.templating import environment

# Sorting and filtering in the page; kept here so its CSP hash is computed from the very text served.
_SCRIPT = """
(function () {
  var table = document.getElementById("items"), body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows), count = document.getElementById("shown");
  var box = document.getElementById("filter"), pii = document.getElementById("only-pii");
  var unread = document.getElementById("only-unread");
  function number(text) { var n = parseFloat(text); return isNaN(n) ? -Infinity : n; }
  function show() {
    var words = box.value.toLowerCase(), n = 0;
    rows.forEach(function (row) {
      var ok = (!words || row.textContent.toLowerCase().indexOf(words) >= 0) &&
               (!pii.checked || row.classList.contains("pii")) &&
               (!unread.checked || row.classList.contains("unread"));
      row.hidden = !ok; n += ok ? 1 : 0;
    });
    count.textContent = count.dataset.template.replace("{shown}", n).replace("{total}", rows.length);
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    th.addEventListener("click", function () {
      var up = th.dataset.dir !== "asc", numeric = th.classList.contains("num");
      Array.prototype.forEach.call(th.parentNode.cells, function (other) { delete other.dataset.dir; });
      th.dataset.dir = up ? "asc" : "desc";
      rows.sort(function (a, b) {
        var x = a.cells[i].dataset.v !== undefined ? a.cells[i].dataset.v : a.cells[i].textContent;
        var y = b.cells[i].dataset.v !== undefined ? b.cells[i].dataset.v : b.cells[i].textContent;
        var c = numeric ? number(x) - number(y) : x.localeCompare(y, "ja");
        return up ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  [box, pii, unread].forEach(function (el) { el.addEventListener("input", show); });
  show();
})();
"""
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()


@dataclass
class FolderTotals:
    """One top folder's share of the scan."""

    name: str
    items: int = 0
    pii_items: int = 0
    not_inspected: int = 0
    people: DistinctPeople = field(default_factory=DistinctPeople)


class HtmlReport(StreamReport):
    """Keeps rows (without identity keys) until the end, then renders one self-contained page."""

    name: ClassVar[str] = "html"

    def __init__(self, stream: TextIO, lang: str = "ja", context: ScanContext | None = None) -> None:
        super().__init__(stream, lang)
        self.context = context or ScanContext()
        self.rows: list[tuple[ItemResult, list[object]]] = []
        self.folders: dict[str, FolderTotals] = {}

    def add(self, result: ItemResult) -> None:
        self.rows.append((result, row_values(result, self.lang)))
        name = self.context.top_folder(result.path, self.lang)
        folder = self.folders.get(name)
        if folder is None:
            folder = self.folders[name] = FolderTotals(name)
        folder.items += 1
        folder.pii_items += result.pii is True
        folder.not_inspected += not result.status.inspected
        folder.people.add_all(result.person_keys, None if result.container else result.persons)

    def finish(self, summary: ScanSummary) -> None:
        template = environment().get_template("find.html.j2")
        self.stream.write(template.render(
            lang=self.lang,
            t=lambda key, **kw: t(key, self.lang, **kw),
            title=t("report.title", self.lang),
            generated=datetime.now().astimezone().isoformat(timespec="seconds"),
            note=t("report.note_masked", self.lang),
            summary=summary_rows(summary, self.lang),
            parameters=self.context.rows(self.lang),
            folders=sorted(self.folders.values(), key=lambda f: f.name),
            headers=headers(self.lang),
            rows=self.rows,
            script=_SCRIPT,
            script_hash=_SCRIPT_HASH,
        ))
        self.stream.flush()
