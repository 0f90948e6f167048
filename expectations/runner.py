"""Entry point: check every accounting identity on the documents in a DuckDB warehouse.

    run_checks(db_path, doc_ids=None, data_docs_dir=None, incremental=False) -> CheckSummary
    python -m expectations.runner --db FILE [--doc DOC_ID ...] [--docs-dir data/gx_docs] [--incremental]

A violated identity is a finding about a document, not an error: results land in schema
`audit` and the run goes on. Re-running replaces the checked documents' audit rows; an incremental
run checks only the new or changed documents and those whose cross-document pairs changed
(expectations.incremental), the others keep theirs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations.cells import DocumentCells, list_documents, load_document
from expectations.completeness import evaluate_completeness, load_completeness
from expectations.consistency import evaluate_consistency, load_consistency
from expectations.declarations import load_identities
from expectations.evaluate import Instance, evaluate_document
from expectations.incremental import checker_version, documents_to_check
from expectations.narrative_arithmetic import evaluate_narrative_arithmetic, load_narrative_arithmetic
from expectations.row_identities import evaluate_row_identities, load_row_identities
from expectations.store import DocumentSummary, ensure_schema, summarise, write_document
from extract.cli import add_lock_wait
from extract.writer import LOCKED, WarehouseLocked, connect

if TYPE_CHECKING:  # Great Expectations takes seconds to import: only when checks run
    from expectations.suites import SuiteOutcome

DOCUMENT_FAMILIES: tuple[tuple[Callable[[], Any], Callable[..., dict[str, list[Instance]]]], ...] = (
    (load_completeness, evaluate_completeness),  # completeness.yml
    (load_consistency, evaluate_consistency),  # consistency.yml
    (load_narrative_arithmetic, evaluate_narrative_arithmetic),  # narrative_arithmetic.yml
)
DEFAULT_DOCS_DIR = Path("data/gx_docs")
DEFAULT_TOLERANCE = Decimal("0.01")  # 万元 per summed term (尾数误差)


@dataclass
class CheckSummary:
    documents: list[DocumentSummary] = field(default_factory=list)
    suites: list[SuiteOutcome] = field(default_factory=list)
    data_docs_index: Path | None = None
    notes: list[str] = field(default_factory=list)  # identities not evaluated, and why

    @property
    def n_violations(self) -> int:
        return sum(d.counts["violation"] for d in self.documents)

    def table(self) -> str:
        head = f"{'file':<44} {'pass':>5} {'round':>5} {'viol':>5} {'n/chk':>5} {'n/app':>5}  outcome"
        lines = [head]
        for d in self.documents:
            c = d.counts
            lines.append(f"{d.file_name[:44]:<44} {c['pass']:>5} {c['rounding']:>5} "
                         f"{c['violation']:>5} {c['not_checkable']:>5} {c['not_applicable']:>5}  "
                         f"{d.outcome}" + (f" ({d.note})" if d.note else ""))
        return "\n".join(lines)


def _checkable(doc: DocumentCells) -> str | None:
    """Why a document is not checked at all, or None."""
    if doc.doc_kind != "final_accounts" and not doc.table_status:
        return f"no standard tables (doc_kind={doc.doc_kind})"
    return None


def run_checks(db_path: Path, doc_ids: list[str] | None = None, data_docs_dir: Path | None = None,
               tolerance_wan: Decimal = DEFAULT_TOLERANCE,
               identity_paths: list[Path] | None = None, lock_wait: float = 0.0,
               incremental: bool = False) -> CheckSummary:
    """Check the documents (all when doc_ids is None; incremental: those that need it); write audit.*;
    build Data Docs if asked (of the documents checked by this run).
    Raises WarehouseLocked when another process holds the warehouse for longer than lock_wait s."""
    identities = load_identities(identity_paths)
    row_identities = load_row_identities()
    sources = {i.id: i.source for i in identities}
    version = checker_version(tolerance_wan, identity_paths)
    checked_at = datetime.now()
    con = connect(db_path, wait=lock_wait)
    try:
        ensure_schema(con)
        if incremental and doc_ids is None:
            doc_ids = documents_to_check(con, row_identities, version)
        docs = [load_document(con, d) for d in list_documents(con, doc_ids)]
        per_doc: dict[str, list[Instance]] = {}
        notes: dict[str, str] = {}
        for doc in docs:
            if (why := _checkable(doc)) is not None:
                per_doc[doc.doc_id], notes[doc.doc_id] = [], why
                continue
            try:
                per_doc[doc.doc_id] = evaluate_document(doc, identities, tolerance_wan)
            except Exception as exc:  # a checker bug must not stop the load: record it
                per_doc[doc.doc_id] = []
                notes[doc.doc_id] = f"check failed: {type(exc).__name__}: {exc}"
        row_instances, row_notes = evaluate_row_identities(con, row_identities, doc_ids)
        for doc_id, instances in row_instances.items():
            if doc_id in per_doc:  # a performance report has no standard tables but has these
                per_doc[doc_id] += instances
                if notes.get(doc_id, "").startswith("no standard tables"):
                    del notes[doc_id]
        for load, evaluate in DOCUMENT_FAMILIES:  # families evaluated over a document's raw tables
            spec = load()
            for doc_id, instances in evaluate(con, docs, spec).items():
                per_doc[doc_id] += instances
                sources.update({i.identity_id: spec.source for i in instances})
        everything = [i for doc in docs for i in per_doc[doc.doc_id]]
        if data_docs_dir is not None:
            Path(data_docs_dir).mkdir(parents=True, exist_ok=True)
        from expectations.suites import judge

        outcomes = judge(everything, data_docs_dir, {doc.doc_id: doc.file_name for doc in docs})
        summary = CheckSummary(suites=outcomes, notes=row_notes)
        for doc in docs:
            doc_summary = summarise(doc, per_doc[doc.doc_id], notes.get(doc.doc_id))
            write_document(con, doc, per_doc[doc.doc_id], doc_summary, sources, checked_at, version)
            summary.documents.append(doc_summary)
    finally:
        con.close()
    if data_docs_dir is not None and (Path(data_docs_dir) / "index.html").exists():
        summary.data_docs_index = Path(data_docs_dir).resolve() / "index.html"
    return summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the check command (for `fiscalwh check`)."""
    parser.add_argument("--db", type=Path, required=True, help="DuckDB warehouse file")
    parser.add_argument("--doc", action="append", dest="doc_ids", help="doc_id to check (repeatable)")
    parser.add_argument("--docs-dir", type=Path, default=DEFAULT_DOCS_DIR,
                        help=f"GX Data Docs folder (default {DEFAULT_DOCS_DIR})")
    parser.add_argument("--no-docs", action="store_true", help="do not build GX Data Docs")
    parser.add_argument("--tolerance", type=Decimal, default=DEFAULT_TOLERANCE,
                        help="rounding tolerance in 万元 per summed term (default 0.01)")
    parser.add_argument("--identities", type=Path, action="append",
                        help="identity YAML file or folder (default expectations/identities/)")
    parser.add_argument("--incremental", action="store_true",
                        help="check only new or changed documents and those whose cross-document pairs changed")
    parser.add_argument("--fail-on-violation", action="store_true",
                        help="exit 1 when any identity is violated")
    add_lock_wait(parser)


def run_from_args(args: argparse.Namespace) -> int:
    if not args.db.exists():
        print(f"error: no such database: {args.db}", file=sys.stderr)
        return 2
    try:
        summary = run_checks(args.db, args.doc_ids, None if args.no_docs else args.docs_dir,
                             args.tolerance, args.identities, args.lock_wait, args.incremental)
    except WarehouseLocked as exc:
        print(f"fiscalwh check: {exc}", file=sys.stderr)
        return LOCKED
    print(summary.table())
    if summary.data_docs_index:
        print(f"Data Docs: {summary.data_docs_index}")
    print(f"violations: {summary.n_violations} (query audit.findings for the cells involved)")
    return 1 if args.fail_on_violation and summary.n_violations else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fiscalwh check", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
