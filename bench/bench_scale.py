"""`make bench-scale N=…`: the real pipeline (`fiscalwh run`) over N synthesised documents.

The N documents are byte-varied copies of the corpus files (pdf/, budget/, text/, taken in turn): a PDF
gets a comment after its end (`%fiscalwh-bench <i>`), a text file a trailing line of blanks and tabs
spelling i in binary, so every copy has its own sha256 (its own document) while reading the same. They go
into a scratch folder (--work, default /tmp/fiscalwh-bench-scale) with a scratch warehouse and Dagster home.

Prints, per stage (extract, dbt, checks, report, exports, publish): seconds, documents/s, pages/s and the
peak memory of this process and its children (extraction workers, dbt) sampled every 0.1 s; the run's
total and its projection to 10,000 documents (linear in N); then the cost of adding ONE document to the
warehouse just built (a second run with one more file). Targets (issue 14): 10,000 documents in under
60 min, peak memory under 4 GB, one new document into a warehouse of 10,000 in under 10 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from dagster_project.run import RunOutcome, run_pipeline
from dagster_project.settings import Settings

REPO = Path(__file__).resolve().parents[1]

CORPUS = Path(os.environ.get("FISCALWH_CORPUS", REPO.parent / "shared" / "corpus"))
FOLDERS = ("pdf", "budget", "text")
TARGET_DOCS = 10_000


def sources(corpus: Path) -> list[Path]:
    return [p for folder in FOLDERS for p in sorted((corpus / folder).glob("*")) if p.suffix in (".pdf", ".txt")]


def variant(data: bytes, suffix: str, i: int) -> bytes:
    """The bytes of copy i: the same document, another sha256."""
    if suffix == ".pdf":  # a comment after %%EOF: readers ignore it
        return data + f"\n%fiscalwh-bench {i}\n".encode()
    return data + b"\n" + format(i, "b").replace("0", " ").replace("1", "\t").encode() + b"\n"


def synthesise(corpus: Path, folder: Path, first: int, count: int) -> list[Path]:
    """Copies first..first+count-1 into folder/<i>/<original name> (the name is kept: it is read)."""
    files = sources(corpus)
    made = []
    for i in range(first, first + count):
        src = files[i % len(files)]
        out = folder / f"{i:06d}" / src.name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(variant(src.read_bytes(), src.suffix, i))
        made.append(out)
    return made


@dataclass
class MemorySampler:
    """Resident memory and CPU seconds of this process and its descendants, sampled in a thread (the
    CPU seconds say what a stage costs when other work shares the machine)."""

    interval: float = 0.1
    samples: list[tuple[float, int, float]] = field(default_factory=list)  # (monotonic time, bytes, cpu s)
    _stop: threading.Event = field(default_factory=threading.Event)

    def _total(self, me: psutil.Process) -> tuple[int, float]:
        rss, cpu = 0, 0.0
        for p in [me, *me.children(recursive=True)]:
            try:
                rss += p.memory_info().rss
                t = p.cpu_times()
                cpu += t.user + t.system + (t.children_user + t.children_system if p is me else 0.0)
            except psutil.Error:
                pass
        return rss, cpu

    def _loop(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), *self._total(me)))
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak(self, start: float, end: float) -> int:
        return max((b for t, b, _ in self.samples if start <= t <= end), default=0)

    def cpu(self, start: float, end: float) -> float:
        """CPU seconds spent between start and end (the nearest samples)."""
        inside = [c for t, _, c in self.samples if start - self.interval <= t <= end + self.interval]
        return max(inside) - min(inside) if inside else 0.0


def settings_for(work: Path) -> Settings:
    return Settings(db_path=work / "warehouse.duckdb", corpus_dir=work / "corpus", gx_docs_dir=work / "gx_docs",
                    published_db=work / "published" / "warehouse.duckdb", dagster_home=work / "dagster_home")


def fresh(work: Path) -> None:
    if work.exists():
        shutil.rmtree(work)
    (work / "dagster_home").mkdir(parents=True)
    shutil.copy(REPO / "dagster_project" / "dagster.yaml", work / "dagster_home" / "dagster.yaml")


def pages_of(db: Path, doc_files: list[Path] | None = None) -> tuple[int, int]:
    """(documents, pages) in the warehouse (only those of doc_files when given)."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        sql = "select count(*), coalesce(sum(n_pages), 0) from raw.documents"
        if doc_files is not None:
            row = con.execute(sql + " where file_path in (select unnest(?))", [[str(p) for p in doc_files]]).fetchone()
        else:
            row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def timed_run(settings: Settings, sampler: MemorySampler, log: Path) -> tuple[RunOutcome, float, float]:
    with open(log, "a", encoding="utf-8") as out:
        start = time.monotonic()
        outcome = run_pipeline(settings, log=out, progress=sys.stderr)
        end = time.monotonic()
    return outcome, start, end


def stage_rows(outcome: RunOutcome, start: float, end: float,
               sampler: MemorySampler) -> list[tuple[str, float, float, int]]:
    """(stage, seconds, CPU seconds, peak bytes) per stage, then the whole run."""
    rows = []
    for name, (s, e) in outcome.stages.items():
        rows.append((name, e - s, sampler.cpu(s, e), sampler.peak(s, e)))
    rows.append(("total", end - start, sampler.cpu(start, end), sampler.peak(start, end)))
    return rows


def table(rows: list[tuple[str, float, float, int]], docs: int, pages: int, scale: float | None) -> str:
    head = f"{'stage':<9} {'seconds':>9} {'cpu s':>8} {'docs/s':>8} {'pages/s':>8} {'peak MB':>8}"
    if scale is not None:
        head += f" {'@10k min':>9}"
    lines = [head]
    for name, secs, cpu, peak in rows:
        line = (f"{name:<9} {secs:>9.1f} {cpu:>8.1f} {docs / secs if secs else 0:>8.1f} "
                f"{pages / secs if secs else 0:>8.1f} {peak / 2**20:>8.0f}")
        if scale is not None:
            line += f" {secs * scale / 60:>9.1f}"
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="documents to synthesise (default %(default)s)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/fiscalwh-bench-scale"),
                        help="scratch folder: corpus copies, warehouse, Dagster home (emptied first)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--no-add-one", action="store_true", help="skip the second run with one more document")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    fresh(work)
    settings = settings_for(work)
    t0 = time.monotonic()
    synthesise(args.corpus, settings.corpus_dir, 0, args.n)
    print(f"bench-scale: {args.n} documents synthesised in {time.monotonic() - t0:.1f} s under {work} "
          f"(logs: {work / 'run.log'})", flush=True)
    with MemorySampler() as sampler:
        outcome, start, end = timed_run(settings, sampler, work / "run.log")
        docs, pages = pages_of(settings.db_path)
        print(f"\nrun 1: {docs} documents, {pages} pages, success={outcome.success}, dbt {outcome.dbt}")
        print(table(stage_rows(outcome, start, end, sampler), docs, pages, TARGET_DOCS / docs))
        total = end - start
        cpu = sampler.cpu(start, end)
        print(f"projection to {TARGET_DOCS} documents (linear): {total * TARGET_DOCS / docs / 60:.1f} min wall, "
              f"{cpu * TARGET_DOCS / docs / 60:.1f} CPU-min (target < 60 min on 2 cores); peak memory "
              f"{sampler.peak(start, end) / 2**30:.2f} GB (target < 4 GB); load average "
              f"{psutil.getloadavg()[0]:.1f} on {psutil.cpu_count()} cores")
        if not args.no_add_one:
            new = synthesise(args.corpus, settings.corpus_dir, args.n, 1)
            outcome, start, end = timed_run(settings, sampler, work / "run.log")
            docs1, pages1 = pages_of(settings.db_path, new)
            print(f"\nrun 2: one new document ({new[0].name}, {pages1} pages) into a warehouse of {docs}: "
                  f"{end - start:.1f} s (target < 10 s at 10,000), success={outcome.success}")
            print(table(stage_rows(outcome, start, end, sampler), docs1, pages1, None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
