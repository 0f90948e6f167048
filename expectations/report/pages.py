"""The report's HTML: an index of documents and one page per document (static, inline CSS, no script)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from expectations.report.evidence import SEVERITIES, Document, Finding
from expectations.report.source_lines import Excerpt
from extract.numbers import trimmed

if TYPE_CHECKING:  # pypdfium2 and Pillow only when pictures are drawn
    from expectations.report.pdf_pictures import Picture

CSS = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.error { color: #b00; } .warning { color: #a60; } .info { color: #357; }
.finding { border: 1px solid #ccc; border-left: 6px solid #888; margin: 1em 0; padding: .5em 1em; }
.finding.sev-error { border-left-color: #c00; } .finding.sev-warning { border-left-color: #e90; }
.finding.sev-info { border-left-color: #58a; }
.finding h3 { margin: .2em 0; font-size: 1em; color: #222; }
.message { white-space: pre-wrap; font-size: 1.05em; }
figure { margin: .5em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #999; }
figcaption { font-size: .85em; color: #555; }
pre.lines { background: #fafafa; border: 1px solid #ddd; padding: .3em; white-space: pre-wrap; tab-size: 4; }
pre.lines span { display: block; } pre.lines .cited { background: #ffe9a8; }
mark { background: #ff9c9c; }
.muted { color: #777; }
"""
LEGEND = ("Boxes: <span style='color:#e60000'>red</span> the left side or the evidence, "
          "<span style='color:#005ae6'>blue</span> the right side, <span style='color:#ff8c00'>orange</span> "
          "printed more than once where the cell is: the place is uncertain.")


@dataclass
class Shown:
    """A finding with what the report shows of its evidence."""

    finding: Finding
    pictures: list[Picture] = field(default_factory=list)
    excerpts: list[Excerpt] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why some evidence is not shown


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang='zh'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{CSS}</style></head><body>\n{body}\n</body></html>\n")


def _num(v: Decimal | int | None) -> str:
    """As a disclosure prints it (DECIMAL(24,6) 2961.680000 -> 2961.68)."""
    return "" if v is None else escape(str(trimmed(v) if isinstance(v, Decimal) else v))


def index_html(docs: list[Document], db_label: str, written: datetime) -> str:
    head = ("<tr><th>file</th><th>agency</th><th>year</th><th>kind</th><th>template</th><th>tables read</th>"
            "<th>extraction</th><th>checks</th>" + "".join(f"<th class='{s}'>{s}</th>" for s in SEVERITIES) + "</tr>")
    rows = []
    for d in docs:
        tables = ", ".join(f"{c} {s}" for c, s in d.tables)
        counts = "".join(f"<td class='n {s}'>{d.counts.get(s, 0) if d.outcome else ''}</td>" for s in SEVERITIES)
        rows.append(
            f"<tr><td><a href='doc/{d.slug}.html'>{escape(d.file_name)}</a></td><td>{escape(d.agency or '')}</td>"
            f"<td>{_num(d.year)}</td><td>{escape(d.kind)}</td><td>{escape(d.variant or '')}</td>"
            f"<td class='n' title='{escape(tables)}'>{len(d.tables)}</td>"
            f"<td title='{escape(d.error or '')}'>{escape(d.status)}</td><td>{escape(d.outcome or 'not checked')}</td>"
            f"{counts}</tr>")
    totals = {s: sum(d.counts.get(s, 0) for d in docs) for s in SEVERITIES}
    body = (f"<h1>Findings report</h1><p>{len(docs)} documents of <code>{escape(db_label)}</code>, written "
            f"{written:%Y-%m-%d %H:%M}. Findings: " + ", ".join(f"<span class='{s}'>{n} {s}</span>"
                                                                for s, n in totals.items())
            + ". In SQL: <code>select * from audit.findings</code>, <code>audit.finding_evidence</code>.</p>"
            f"<table>{head}{''.join(rows)}</table>")
    return _page("Findings report", body)


def document_html(doc: Document, shown: list[Shown]) -> str:
    meta = [("file", doc.file_path or doc.file_name), ("agency", doc.agency), ("fiscal year", doc.year),
            ("kind", doc.kind), ("template variant", doc.variant), ("unit", doc.unit), ("pages", doc.n_pages),
            ("extraction", doc.status + (f" — {doc.error}" if doc.error else "")),
            ("tables read", ", ".join(f"{c} ({s})" for c, s in doc.tables) or "none"),
            ("checks", (doc.outcome or "not checked") + (f" — {doc.note}" if doc.note else ""))]
    rows = "".join(f"<tr><th>{k}</th><td>{escape(str(v))}</td></tr>" for k, v in meta if v not in (None, ""))
    main = [s for s in shown if s.finding.severity != "info"]
    info = [s for s in shown if s.finding.severity == "info"]
    parts = [f"<p><a href='../index.html'>← all documents</a></p><h1>{escape(doc.file_name)}</h1>",
             f"<table>{rows}</table>", f"<p class='muted'>{LEGEND}</p>"]
    parts.append(f"<h2>Errors and warnings ({len(main)})</h2>" + ("".join(_finding(s) for s in main)
                                                               or "<p>None.</p>"))
    if info:
        parts.append(f"<details><summary><h2 style='display:inline'>Rounding differences ({len(info)})</h2>"
                     f"</summary>{''.join(_finding(s) for s in info)}</details>")
    return _page(doc.file_name, "\n".join(parts))


def _finding(s: Shown) -> str:
    f = s.finding
    sides = ("<table><tr><th>left side</th><th>right side</th><th>difference</th><th>tolerance</th></tr>"
             f"<tr><td class='n'>{_num(f.lhs)}</td><td class='n'>{_num(f.rhs)}</td>"
             f"<td class='n'>{_num(f.difference)}</td><td class='n'>{_num(f.tolerance)}</td></tr></table>")
    cells = "".join(
        f"<tr><td>{escape(c.role)}</td><td>{escape(c.table_code)}</td><td>{escape((c.row_label or '')[:200])}</td>"
        f"<td>{escape(c.column_key)}</td><td class='n'>{escape(c.printed or _num(c.value))}</td>"
        f"<td>{escape(c.note or '')}</td><td class='n'>{_num(c.page)}</td><td class='n'>{_num(c.line)}</td></tr>"
        for c in f.cells)
    evidence = ("<details><summary>evidence cells</summary><table><tr><th>role</th><th>table</th><th>row</th>"
                f"<th>column</th><th>printed</th><th>note</th><th>page</th><th>line</th></tr>{cells}</table></details>"
                if cells else "")
    return (f"<section class='finding sev-{escape(f.severity)}' id='{escape(f.result_id)}'>"
            f"<h3><span class='{escape(f.severity)}'>{escape(f.severity)}</span> · <code>{escape(f.rule_id)}</code>"
            f" · {escape(f.status)} <span class='muted'>{escape(f.instance if f.instance != '-' else '')}</span></h3>"
            f"<p class='message'>{escape(f.message or '')}</p>{sides}"
            + (f"<p>Suggestion: {escape(f.suggestion)}</p>" if f.suggestion else "")
            + "".join(_picture(p) for p in s.pictures) + "".join(_excerpt(e) for e in s.excerpts)
            + "".join(f"<p class='muted'>{escape(n)}</p>" for n in s.notes) + evidence + "</section>")


def _picture(p: Picture) -> str:
    what = "; ".join(f"{loc.mark.label.strip()} “{loc.mark.text[:40]}”"
                     + ("" if loc.exact else " (place uncertain: printed more than once)")
                     for loc in p.located if loc.found)
    return (f"<figure><img src='{escape(p.file_name)}' width='{p.width}' height='{p.height}' "
            f"alt='page {p.page}, boxed: {escape(what)}'>"
            f"<figcaption>page {p.page} — boxed: {escape(what)}</figcaption></figure>")


def _excerpt(e: Excerpt) -> str:
    out = []
    for n, text, marks in e.lines:
        wanted = sorted({escape(m) for m in marks if m}, key=len, reverse=True)
        shown = escape(text)
        if wanted:
            shown = re.sub("|".join(map(re.escape, wanted)), r"<mark>\g<0></mark>", shown)
        css = " class='cited'" if n in e.cited else ""
        out.append(f"<span{css}>{n:>6}  {shown}</span>")
    return f"<pre class='lines'>{''.join(out)}</pre>"
