"""Hand-made raw rows for the identity tests.

The numbers of WUHAN are read by hand from the shared seed 000 (武汉经济技术开发区（汉南区）
信访局 2022 年度部门决算, tables 1-6), T09 from seed 003 (长沙市信访局, 表 9). Every printed
identity holds in them except T05 基本支出 590.49 vs T06 529.28 + 61.19 = 590.47 (rounding).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
RAW_SCHEMA = REPO / "extract" / "schema.sql"

D = Decimal
TABLE_NO = {f"T{n:02d}": n for n in range(1, 11)}


@dataclass
class Doc:
    doc_id: str
    file_name: str
    unit: str = "万元"
    doc_kind: str = "final_accounts"
    tables: dict[str, str] = field(default_factory=dict)  # code -> status
    # (table, row_label, row_key, subject_code, line_no, {column: value})
    rows: list[tuple] = field(default_factory=list)

    def add(self, table: str, label: str, values: dict[str, str | None], *, row_key=None,
            code=None, line=None, status: str = "ok") -> None:
        self.tables.setdefault(table, status)
        self.rows.append((table, label, row_key, code, line, values))


def _subject_table(doc: Doc, table: str, columns: list[str], lines: list[tuple]) -> None:
    for code, label, *values in lines:
        vals = dict(zip(columns, values, strict=True))
        if code == "total":
            doc.add(table, label, vals, row_key="total")
        else:
            doc.add(table, label, vals, code=code)


def wuhan() -> Doc:
    doc = Doc("wuhan", "000_wuhan_handmade.txt")
    # 表 1 收入支出决算总表: left (income) and right (expenditure) halves, 行次 as printed
    left = [(1, "一、一般公共预算财政拨款收入", "general_budget_grant", "804.61"),
            (2, "二、政府性基金预算财政拨款收入", "gov_fund_grant", None),
            (3, "三、国有资本经营预算财政拨款收入", "state_capital_grant", None),
            (4, "四、上级补助收入", "superior_subsidy", None),
            (8, "八、其他收入", "other_income", None),
            (27, "本年收入合计", "income_total", "804.61"),
            (28, "使用非财政拨款结余", "nonfiscal_balance_used", None),
            (29, "年初结转和结余", "carryover_begin", None),
            (31, "总计", "grand_total", "804.61")]
    right = [(32, "一、一般公共服务支出", "201", "712.44"), (33, "二、外交支出", "202", None),
             (39, "八、社会保障和就业支出", "208", "90.11"), (50, "十九、住房保障支出", "221", "2.06")]
    right_named = [(58, "本年支出合计", "expenditure_total", "804.61"),
                   (59, "结余分配", "balance_distribution", None),
                   (60, "年末结转和结余", "carryover_end", None), (62, "总计", "grand_total", "804.61")]
    for line, label, key, v in left:
        doc.add("T01", label, {"income": v}, row_key=key, line=line)
    for line, label, code, v in right:
        doc.add("T01", label, {"expenditure": v}, code=code, line=line)
    for line, label, key, v in right_named:
        doc.add("T01", label, {"expenditure": v}, row_key=key, line=line)

    t02 = [("total", "合计", "804.61", "804.61"), ("201", "一般公共服务支出", "712.44", "712.44"),
           ("20103", "政府办公厅（室）及相关机构事务", "214.34", "214.34"),
           ("2010301", "行政运行", "0.22", "0.22"), ("2010308", "信访事务", "214.12", "214.12"),
           ("20131", "党委办公厅（室）及相关机构事务", "498.10", "498.10"),
           ("2013101", "行政运行", "345.86", "345.86"), ("2013150", "事业运行", "152.24", "152.24"),
           ("208", "社会保障和就业支出", "90.11", "90.11"),
           ("20805", "行政事业单位养老支出", "40.83", "40.83"),
           ("2080505", "机关事业单位基本养老保险缴费支出", "26.09", "26.09"),
           ("2080506", "机关事业单位职业年金缴费支出", "14.74", "14.74"),
           ("20899", "其他社会保障和就业支出", "49.28", "49.28"),
           ("2089999", "其他社会保障和就业支出", "49.28", "49.28"),
           ("221", "住房保障支出", "2.06", "2.06"), ("22102", "住房改革支出", "2.06", "2.06"),
           ("2210201", "住房公积金", "2.06", "2.06")]
    _subject_table(doc, "T02", ["total", "fiscal_grant", "superior_subsidy", "business", "operating",
                                "affiliate", "other"], [r + (None,) * 5 for r in t02])
    t03 = [("total", "合计", "804.61", "590.49", "214.12"),
           ("201", "一般公共服务支出", "712.44", "498.32", "214.12"),
           ("20103", "政府办公厅（室）及相关机构事务", "214.34", "0.22", "214.12"),
           ("2010301", "行政运行", "0.22", "0.22", None),
           ("2010308", "信访事务", "214.12", None, "214.12"),
           ("20131", "党委办公厅（室）及相关机构事务", "498.10", "498.10", None),
           ("2013101", "行政运行", "345.86", "345.86", None),
           ("2013150", "事业运行", "152.24", "152.24", None),
           ("208", "社会保障和就业支出", "90.11", "90.11", None),
           ("20805", "行政事业单位养老支出", "40.83", "40.83", None),
           ("2080505", "机关事业单位基本养老保险缴费支出", "26.09", "26.09", None),
           ("2080506", "机关事业单位职业年金缴费支出", "14.74", "14.74", None),
           ("20899", "其他社会保障和就业支出", "49.28", "49.28", None),
           ("2089999", "其他社会保障和就业支出", "49.28", "49.28", None),
           ("221", "住房保障支出", "2.06", "2.06", None), ("22102", "住房改革支出", "2.06", "2.06", None),
           ("2210201", "住房公积金", "2.06", "2.06", None)]
    _subject_table(doc, "T03", ["total", "basic", "project", "remit_superior", "operating",
                                "affiliate_subsidy"], [r + (None,) * 3 for r in t03])
    _subject_table(doc, "T05", ["total", "basic", "project"], t03)

    # 表 4 财政拨款收入支出决算总表
    t04_left = [(1, "一、一般公共预算财政拨款", "general_budget_grant", "804.61"),
                (2, "二、政府性基金预算财政拨款", "gov_fund_grant", None),
                (3, "三、国有资本经营预算财政拨款", "state_capital_grant", None),
                (27, "本年收入合计", "income_total", "804.61"),
                (28, "年初财政拨款结转和结余", "carryover_begin", None),
                (29, "一般公共预算财政拨款", "general_budget_grant", None),
                (30, "政府性基金预算财政拨款", "gov_fund_grant", None),
                (31, "国有资本经营预算财政拨款", "state_capital_grant", None),
                (32, "总计", "grand_total", "804.61")]
    for line, label, key, v in t04_left:
        doc.add("T04", label, {"income": v}, row_key=key, line=line)
    cols4 = ["expenditure_total", "expenditure_general_budget", "expenditure_gov_fund",
             "expenditure_state_capital"]
    for line, label, code, key, total, general in [
            (33, "一、一般公共服务支出", "201", None, "712.44", "712.44"),
            (40, "八、社会保障和就业支出", "208", None, "90.11", "90.11"),
            (51, "十九、住房保障支出", "221", None, "2.06", "2.06"),
            (59, "本年支出合计", None, "expenditure_total", "804.61", "804.61"),
            (60, "年末财政拨款结转和结余", None, "carryover_end", None, None),
            (64, "总计", None, "grand_total", "804.61", "804.61")]:
        doc.add("T04", label, dict(zip(cols4, (total, general, None, None), strict=True)), row_key=key,
                code=code, line=line)

    # 表 6 基本支出决算明细表 (经济分类, 决算数)
    t06 = [("301", "工资福利支出", "517.42"), ("30101", "基本工资", "94.14"),
           ("30102", "津贴补贴", "75.51"), ("30103", "奖金", "93.35"),
           ("30106", "伙食补助费", "19.32"), ("30107", "绩效工资", "97.85"),
           ("30108", "机关事业单位基本养老保险缴费", "28.63"), ("30109", "职业年金缴费", "12.20"),
           ("30110", "职工基本医疗保险缴费", "23.80"), ("30111", "公务员医疗补助缴费", "24.56"),
           ("30112", "其他社会保障缴费", "0.91"), ("30113", "住房公积金", "47.15"),
           ("30114", "医疗费", None), ("303", "对个人和家庭的补助", "11.86"),
           ("30302", "退休费", "8.02"), ("30307", "医疗费补助", "2.81"),
           ("30399", "其他对个人和家庭的补助", "1.03"),
           ("302", "商品和服务支出", "54.71"), ("30201", "办公费", "4.94"), ("30202", "印刷费", "0.81"),
           ("30207", "邮电费", "5.56"), ("30211", "差旅费", "0.25"), ("30212", "因公出国（境）费用", None),
           ("30213", "维修（护）费", "0.13"), ("30216", "培训费", "0.20"), ("30226", "劳务费", "0.98"),
           ("30227", "委托业务费", "20.46"), ("30228", "工会经费", "6.40"), ("30229", "福利费", "0.55"),
           ("30239", "其他交通费用", "9.45"), ("30299", "其他商品和服务支出", "4.98"),
           ("310", "资本性支出", "6.48"), ("31002", "办公设备购置", "6.43"),
           ("31003", "专用设备购置", "0.05")]
    for code, label, v in t06:
        doc.add("T06", label, {"final": v}, code=code)
    doc.add("T06", "人员经费合计", {"final": "529.28"}, row_key="personnel_total")
    doc.add("T06", "公用经费合计", {"final": "61.19"}, row_key="public_total")

    # 表 7 / 表 8 state 本表无数据 (合计 row printed blank)
    doc.add("T07", "合计", {c: None for c in ("carryover_begin", "income", "expenditure_total", "basic",
                                              "project", "carryover_end")},
            row_key="total", status="empty")
    doc.add("T08", "合计", {"total": None, "basic": None, "project": None}, row_key="total",
            status="empty")
    # 表 9 (numbers of seed 003)
    for key, label, budget, final in [("total", "合计", "9.13", "7.04"),
                                      ("outbound_travel", "因公出国(境)费", "0.00", "0.00"),
                                      ("vehicle_total", "小计", "7.00", "4.91"),
                                      ("vehicle_purchase", "公务用车购置费", "0.00", "0.00"),
                                      ("vehicle_operation", "公务用车运行维护费", "7.00", "4.91"),
                                      ("reception", "公务接待费", "2.13", "2.13")]:
        doc.add("T09", label, {"budget": budget, "final": final}, row_key=key)
    return doc


def gov_fund() -> Doc:
    """A small made-up T07 (one 类/款/项 chain) where every identity holds."""
    doc = Doc("govfund", "govfund_handmade.txt")
    cols = ["carryover_begin", "income", "expenditure_total", "basic", "project", "carryover_end"]
    vals = ("10.00", "5.00", "12.00", "2.00", "10.00", "3.00")
    _subject_table(doc, "T07", cols, [("total", "合计", *vals), ("212", "城乡社区支出", *vals),
                                      ("21208", "国有土地使用权出让收入安排的支出", *vals),
                                      ("2120801", "征地和拆迁补偿支出", *vals)])
    return doc


def write_db(path: Path, docs: list[Doc]) -> Path:
    """A DuckDB file with the raw schema and the docs' rows (source_line = 100 × table no + row)."""
    con = duckdb.connect(str(path))
    con.execute(RAW_SCHEMA.read_text(encoding="utf-8"))
    for doc in docs:
        con.execute("INSERT INTO raw.documents (doc_id, file_name, file_type, doc_kind, unit, status,"
                    " extractor_version, extracted_at) VALUES (?, ?, 'text', ?, ?, 'ok', 'test', ?)",
                    [doc.doc_id, doc.file_name, doc.doc_kind, doc.unit, datetime(2024, 1, 1)])
        for code, status in doc.tables.items():
            con.execute("INSERT INTO raw.document_tables (doc_id, table_code, table_title, status, n_cells)"
                        " VALUES (?, ?, ?, ?, 0)",
                        [doc.doc_id, code, code, status])
        index: dict[str, int] = {}
        for table, label, key, code, line, values in doc.rows:
            index[table] = index.get(table, 0) + 1
            for column, v in values.items():
                con.execute(
                    "INSERT INTO raw.table_cells (doc_id, table_code, table_title, row_index, row_label,"
                    " row_key, subject_code, line_no, column_key, value, raw_text, source_line)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [doc.doc_id, table, table, index[table], label, key, code, line, column,
                     None if v is None else D(v), v or "", 100 * TABLE_NO[table] + index[table]])
    con.close()
    return path


def mutate(db: Path, doc_id: str, table: str, column: str, delta: str = "1.00", **where) -> int:
    """Add delta to one cell picked by row_key / subject_code / line_no; returns its source_line."""
    cond = " AND ".join(f"{k} = ?" for k in where)
    con = duckdb.connect(str(db))
    try:
        rows = con.execute(
            f"SELECT row_index, source_line FROM raw.table_cells WHERE doc_id = ? AND table_code = ?"
            f" AND column_key = ? AND {cond}", [doc_id, table, column, *where.values()]).fetchall()
        assert len(rows) == 1, f"mutation target not unique: {rows}"
        con.execute("UPDATE raw.table_cells SET value = coalesce(value, 0) + CAST(? AS DECIMAL(24,6))"
                    " WHERE doc_id = ? AND table_code = ? AND column_key = ? AND row_index = ?",
                    [delta, doc_id, table, column, rows[0][0]])
        return rows[0][1]
    finally:
        con.close()
