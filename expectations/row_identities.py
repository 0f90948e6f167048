"""Row identities: checks over a warehouse relation, one instance per row, declared as data.

Used where an identity is not a sum of standard-table cells: 得分 ≤ 分值, 执行率 = 执行数 / 预算数,
narrative figures against the table cells they restate. A declaration names a `relation`, the
row `keys`, a `where` filter, SQL expressions `lhs`, `rhs` and `tolerance`, a comparison `eq`
(|lhs − rhs| ≤ tolerance) or `le` (lhs ≤ rhs + tolerance), and the `evidence` columns recorded
with each result (source_line and page among them give the provenance). The instances are judged
by the same GX suites as the cell identities (expectations.suites).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import yaml

from expectations.cells import CellRow
from expectations.evaluate import Instance, TermCell

DEFAULT_DIR = Path(__file__).resolve().parent / "performance"


@dataclass(frozen=True)
class RowIdentity:
    id: str
    family: str
    description: str
    relation: str
    keys: tuple[str, ...]
    where: str
    compare: str  # eq | le
    lhs: str
    rhs: str
    tolerance: str
    evidence: tuple[str, ...]


def load_row_identities(folder: Path = DEFAULT_DIR) -> list[RowIdentity]:
    out = []
    for path in sorted(Path(folder).glob("*.yml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for raw in spec["identities"]:
            if raw.get("compare", "eq") not in ("eq", "le"):
                raise ValueError(f"{path}: {raw['id']}: compare must be eq or le")
            out.append(RowIdentity(
                raw["id"], spec["family"], raw.get("description", ""), raw["relation"],
                tuple(raw["keys"]), raw.get("where") or "true", raw.get("compare", "eq"),
                raw["lhs"], raw["rhs"], str(raw.get("tolerance", "0")), tuple(raw.get("evidence", ())),
            ))
    return out


def _relation_exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, _, name = relation.rpartition(".")
    found = con.execute(
        "select count(*) from information_schema.tables where table_name = ? and table_schema = ?",
        [name, schema or "main"]).fetchone()
    return bool(found and found[0])


def _decimal(v) -> Decimal | None:
    return None if v is None else Decimal(str(v)).quantize(Decimal("0.0001"))


def evaluate_row_identities(con: duckdb.DuckDBPyConnection, identities: list[RowIdentity],
                            doc_ids: list[str] | None = None) -> tuple[dict[str, list[Instance]], list[str]]:
    """Instances per doc_id, and notes on identities whose relation is not built yet."""
    per_doc: dict[str, list[Instance]] = {}
    notes = []
    for ident in identities:
        if not _relation_exists(con, ident.relation):
            notes.append(f"{ident.id}: relation {ident.relation} not built (run dbt build)")
            continue
        keys = [k for k in ident.keys if k != "doc_id"]
        evidence = ", ".join(f"{e} as ev_{i}" for i, e in enumerate(ident.evidence)) or "null as ev_none"
        sql = (f"select doc_id, {', '.join(keys) or 'null'}, ({ident.lhs}) as lhs, ({ident.rhs}) as rhs, "
               f"({ident.tolerance}) as tolerance, {evidence} from {ident.relation} where {ident.where}")
        cursor = con.execute(sql + (" and doc_id in (select unnest(?))" if doc_ids is not None else ""),
                             [doc_ids] if doc_ids is not None else [])
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            r = dict(zip(names, row, strict=False))
            lhs, rhs, tol = _decimal(r["lhs"]), _decimal(r["rhs"]), _decimal(r["tolerance"]) or Decimal(0)
            inst = Instance(r["doc_id"], ident.family, ident.id,
                            ", ".join(f"{k}={r[k]}" for k in keys) or "-", ident.description)
            if lhs is None or rhs is None:
                inst.status, inst.reason = "not_checkable", "a side is blank"
            else:
                diff = lhs - rhs
                inst.lhs, inst.rhs, inst.tolerance, inst.n_terms = lhs, rhs, tol, 2
                inst.difference = max(diff, Decimal(0)) if ident.compare == "le" else diff
            inst.cells = _evidence(ident, r)
            per_doc.setdefault(r["doc_id"], []).append(inst)
    return per_doc, notes


def _evidence(ident: RowIdentity, r: dict) -> list[TermCell]:
    values = {e: r[f"ev_{i}"] for i, e in enumerate(ident.evidence)}
    line, page = values.get("source_line"), values.get("page")
    table = ident.relation.rpartition(".")[2]
    cells = []
    for column, v in values.items():
        if column in ("source_line", "page"):
            continue
        number = v if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) else None
        cell = CellRow(table, 0, None if number is not None or v is None else str(v)[:500], None, None, None,
                       column, _decimal(number), line if isinstance(line, int) else None,
                       page if isinstance(page, int) else None)
        cells.append(TermCell("evidence", 0, cell, table, column))
    return cells
