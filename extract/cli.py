"""`fiscalwh`: command-line entry point."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from .writer import DEFAULT_LOCK_WAIT, LOCKED, WarehouseLocked

DEFAULT_DB = Path(os.environ.get("FISCALWH_DB", "data/warehouse.duckdb"))


def _extract(args: argparse.Namespace) -> int:
    from .pipeline import InputError, extract_paths

    try:
        summary = extract_paths(args.paths, args.db, workers=args.workers, force=args.force,
                                lock_wait=args.lock_wait)
    except InputError as exc:
        print(f"fiscalwh extract: {exc}", file=sys.stderr)
        return 2
    except WarehouseLocked as exc:
        print(f"fiscalwh extract: {exc}", file=sys.stderr)
        return LOCKED
    print(summary)
    return 0


def _run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from dagster_project.run import main as run_main
    from dagster_project.settings import Settings

    settings = Settings.from_env()
    if args.corpus:
        settings = replace(settings, corpus_dir=args.corpus.resolve())
    if args.db:
        db = args.db.resolve()
        settings = replace(settings, db_path=db, published_db=db.parent / "published" / db.name)
    return run_main(settings, lock_wait=args.lock_wait, force=args.force, verbose=args.verbose,
                    workers=args.workers, full_refresh=args.full_refresh)


def add_lock_wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lock-wait", type=float, default=DEFAULT_LOCK_WAIT, metavar="SECONDS",
                        help="how long to wait for a warehouse another process holds before exiting with "
                             f"status {LOCKED} (default: %(default)s)")


def _check(args: argparse.Namespace) -> int:
    from expectations.runner import run_from_args

    return run_from_args(args)


def _report(args: argparse.Namespace) -> int:
    from expectations.report import run_from_args

    return run_from_args(args)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="fiscalwh", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="extract disclosure files or folders into raw DuckDB tables")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--db", type=Path, default=DEFAULT_DB, help="DuckDB file (default: %(default)s)")
    p.add_argument("--workers", type=int, default=None, help="parallel processes (default: cores)")
    p.add_argument("--force", action="store_true", help="re-extract documents already loaded")
    add_lock_wait(p)
    p.set_defaults(func=_extract)
    c = sub.add_parser("check", help="check the accounting identities of the documents in a warehouse")
    from expectations.runner import add_arguments

    add_arguments(c)
    c.set_defaults(func=_check)
    rp = sub.add_parser("report", help="write the findings report: static HTML with page pictures of the evidence")
    from expectations.report import add_arguments as add_report_arguments

    add_report_arguments(rp)
    rp.set_defaults(func=_report)
    r = sub.add_parser("run", help="the whole pipeline in-process via Dagster: extract new documents of "
                                   "the corpus folder, dbt build, identity checks; prints a summary",
                       description="Extract the new documents of the corpus folder (in parallel), build the dbt "
                                   "models, run the identity checks, publish a copy for BI tools and print "
                                   "each document's outcome with the top findings. Runs are recorded in "
                                   "DAGSTER_HOME when set (make run: .dagster_home, the one make dev shows).")
    r.add_argument("--corpus", type=Path, default=None,
                   help="folder of disclosures (default: FISCALWH_CORPUS, else ../shared/corpus)")
    r.add_argument("--db", type=Path, default=None,
                   help="warehouse DuckDB file (default: FISCALWH_DB, else data/warehouse.duckdb); the BI copy "
                        "goes to published/ beside it")
    r.add_argument("--force", action="store_true", help="re-extract documents already loaded (implies --full-refresh)")
    r.add_argument("--full-refresh", action="store_true",
                   help="rebuild the incremental dbt models from scratch and re-check every document (default: "
                        "only the new or changed documents, and those they pair with across years or budget/final)")
    r.add_argument("--workers", type=int, default=None, help="parallel extraction processes (default: cores)")
    r.add_argument("--verbose", action="store_true",
                   help="print Dagster's and dbt's output (default: into data/logs/fiscalwh-run.log)")
    add_lock_wait(r)
    r.set_defaults(func=_run)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
