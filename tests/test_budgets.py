"""部门预算 as a second document family (issue 15), on the five real budgets of
../shared/corpus/budget: 北京市审计局 2026 (预算01-13表, 6 decimals), 江苏省高级人民法院 2019 (公开01表,
two tables on a page, a fragmented grid), 西南大学 2023 (the university template), 西安市应急管理局
2019 (表1, blocks per 预算单位, 2018/2019/增减 三公 columns) and 重庆市商务委员会 2026 (表一, narrative
first).

Every expected figure was read by hand from the rendered page named beside it, never copied from
program output.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from extract.catalogue import detect_variant, is_other_title, match_title
from extract.pipeline import extract_document

from .conftest import CORPUS, seed

D = Decimal
BUDGET = CORPUS / "budget"
BEIJING = "北京市审计局2026年度部门预算报表.pdf"
JIANGSU = "江苏省高级人民法院2019年度部门预算公开.pdf"
SWU = "西南大学2023年度部门预算.pdf"
XIAN = "西安市应急管理局2019年度部门综合预算.pdf"
CHONGQING = "重庆市商务委员会2026年度部门预算.pdf"
FILES = (BEIJING, JIANGSU, SWU, XIAN, CHONGQING)


@pytest.fixture(scope="module")
def docs():
    if not BUDGET.exists():
        pytest.skip(f"shared budget corpus not found at {BUDGET}")
    return {name: extract_document(BUDGET / name).result for name in FILES}


def cell(result, table, column, *, row_key=None, subject=None):
    """(value, page) of the one cell of a table matching the row selectors."""
    hits = [c for c in result.cells if c.table_code == table and c.column_key == column
            and (row_key is None or c.row_key == row_key) and (subject is None or c.subject_code == subject)]
    assert len(hits) == 1, (table, column, row_key, subject, hits)
    return hits[0].value, hits[0].page


# --- the catalogue: titles of every numbering style, variants, other tables ----------------------

@pytest.mark.parametrize(("title", "code", "variant"), [
    ("预算01表 收支总表", "B01", "budget"),
    ("收支预算总表", "B01", "budget"),
    ("2019年部门综合预算收支总表", "B01", "budget"),
    ("2026年部门收支总体情况表", "B01", "budget"),
    ("西南大学收支预算总表", "B01", "budget"),  # found by the budget title, read as the university's
    ("西南大学收入预算表", "B02", "budget_university"),
    ("2026年部门收入总体情况表", "B02", "budget"),
    ("西南大学支出预算表", "B03", "budget_university"),
    ("支出预算总表", "B03", "budget"),
    ("预算04表 财政拨款收支总表", "B04", "budget"),
    ("2026年财政拨款收支总体情况表", "B04", "budget"),
    ("预算05表 一般公共预算支出表", "B05", "budget"),
    ("一般公共预算支出预算表（功能科目）", "B05", "budget"),
    ("2019年部门综合预算一般公共预算支出明细表（按支出功能分类科目）", "B05", "budget"),
    ("2026年一般公共预算基本支出情况表", "B06", "budget"),
    ("2019年部门综合预算一般公共预算基本支出明细表（按支出经济分类科目）", "B06", "budget"),
    ("政府性基金预算财政拨款支出预算表", "B07", "budget"),
    ("2019年部门综合预算政府性基金收支总表", "B07", "budget"),
    ("预算08表 国有资本经营预算支出表", "B08", "budget"),
    ("预算09表 财政拨款“三公”经费支出表", "B09", "budget"),
    ("“三公”经费、会议费、培训费支出预算表", "B09", "budget"),
    ("2019年部门综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表", "B09", "budget"),
    ("西南大学财政拨款支出预算表", "B10", "budget"),
    ("财政拨款基本支出预算表（经济科目）", "B11", "budget"),
    # the final accounts' titles still name their own tables
    ("收入支出决算总表", "T01", "national"),
    ("财政拨款“三公”经费支出决算表", "T09", "national"),
    ("一般公共预算财政拨款支出决算表", "T05", "national"),
])
def test_budget_titles_of_every_numbering_style_name_their_table(title, code, variant):
    template = match_title(title)
    assert template is not None and (template.code, template.variant, template.doc_kind) == (
        code, variant, "final_accounts" if code.startswith("T") else "budget")


@pytest.mark.parametrize("title", [
    "预算10表 政府采购预算明细表 金额单位：万元",  # a numbered title of a table not read
    "预算表12 项目支出绩效目标表",
    "2019年部门综合预算一般公共预算支出明细表（按支出经济分类科目）",
    "一般公共预算机关运行经费支出预算表",
    "2019年部门综合预算专项业务经费支出表",
])
def test_tables_printed_among_the_budget_tables_end_the_table_before(title):
    assert match_title(title) is None and is_other_title(title)


def test_variant_detection_keeps_the_families_apart():
    assert detect_variant({"budget"}, 2019) == "budget"  # not the 2019 final-accounts template
    assert detect_variant({"budget", "budget_university"}, 2023) == "budget_university"
    assert detect_variant({"budget", "national"}, 2019) == "national_2019"  # a 决算 quoting a budget title
    assert detect_variant({"national"}, 2019) == "national_2019"


# --- documents: kind, variant, tables found ----------------------------------------------------

TABLES = {  # code -> (status, page of its title)
    BEIJING: {"B01": ("ok", 1), "B02": ("ok", 2), "B03": ("ok", 3), "B04": ("ok", 4), "B05": ("ok", 5),
              "B06": ("ok", 6), "B07": ("empty", 7), "B08": ("empty", 8), "B09": ("ok", 9)},
    JIANGSU: {"B01": ("ok", 8), "B02": ("ok", 9), "B03": ("ok", 9), "B04": ("ok", 10), "B10": ("ok", 10),
              "B11": ("ok", 11), "B05": ("ok", 12), "B06": ("ok", 13), "B09": ("ok", 14), "B07": ("ok", 14)},
    SWU: {"B01": ("ok", 7), "B02": ("ok", 8), "B03": ("ok", 9), "B10": ("ok", 10)},
    XIAN: {"B01": ("ok", 3), "B02": ("ok", 4), "B03": ("ok", 5), "B04": ("ok", 6), "B05": ("ok", 7),
           "B06": ("ok", 19), "B07": ("empty", 24), "B09": ("ok", 32)},
    CHONGQING: {"B01": ("ok", 8), "B02": ("ok", 9), "B03": ("ok", 12), "B04": ("ok", 15), "B05": ("ok", 16),
                "B06": ("ok", 19), "B07": ("ok", 22), "B09": ("ok", 23)},
}


@pytest.mark.parametrize(("name", "variant", "agency", "year"), [
    (BEIJING, "budget", "北京市审计局", 2026),  # the year only in the file name
    (JIANGSU, "budget", "江苏省高级人民法院", 2019),
    (SWU, "budget_university", "西南大学", 2023),
    (XIAN, "budget", "西安市安全生产监督管理局", 2019),  # the 部门名称 its cover prints (renamed 2019)
    (CHONGQING, "budget", "重庆市商务委员会", 2026),
])
def test_a_budget_is_read_as_its_own_family(docs, name, variant, agency, year):
    r = docs[name]
    assert (r.status, r.doc_kind, r.template_variant, r.agency_name, r.fiscal_year, r.unit) == (
        "ok", "budget", variant, agency, year, "万元")
    assert {t.table_code: (t.status, t.page) for t in r.tables} == TABLES[name]
    # parse quality recorded as for final accounts: every own sum of every table holds, except the
    # two that meet 西南大学's real defect (see test_budget_identities_pass_or_flag_the_real_defect)
    failed = {t.table_code: t.n_self_checks - t.n_self_checks_held for t in r.tables if t.n_self_checks}
    assert failed and {c: n for c, n in failed.items() if n} == ({"B02": 2} if name == SWU else {})


@pytest.mark.parametrize(("pages", "kind", "family"), [
    ((11, 15), "budget", "部门预算"),  # 西南大学's 情况说明 alone: a budget text, no table
    ((16, 99), "unknown", "部门决算"),  # its 项目绩效目标表 alone: a project list, neither family
])
def test_a_document_without_budget_tables_keeps_no_tables_with_its_kind(tmp_path, pages, kind, family):
    from extract.load import load_document

    if not (BUDGET / SWU).exists():
        pytest.skip("shared budget corpus not found")
    rows = load_document(BUDGET / SWU).rows
    part = tmp_path / "西南大学预算节选.txt"  # the real document's pages, as a text dump
    part.write_text("\n".join("\t".join(r.cells) for r in rows if pages[0] <= (r.page or 0) <= pages[1]),
                    encoding="utf-8")
    r = extract_document(part).result
    assert (r.status, r.doc_kind, r.tables) == ("no_tables", kind, [])
    assert r.error == f"no standard table of a {family} was read (document kind: {kind})"


# --- hand-read figures, with their page ------------------------------------------------------------

def test_beijing_by_hand(docs):
    r = docs[BEIJING]
    # 预算01表 收支总表, page 1: 6 decimals of 万元 (exact 元), kept exactly
    assert cell(r, "B01", "income", row_key="income_total") == (D("32380.090089"), 1)
    assert cell(r, "B01", "income", row_key="carryover_begin") == (D("471.963743"), 1)
    assert cell(r, "B01", "income", row_key="grand_total") == (D("32852.053832"), 1)
    assert cell(r, "B01", "expenditure", row_key="expenditure_total") == (D("32852.053832"), 1)
    assert cell(r, "B01", "expenditure", row_key="grand_total") == (D("32852.053832"), 1)
    # 预算05表 一般公共预算支出表, page 5: 合计 with 基本支出 (人员/公用) and 项目支出
    for column, value in [("total", "32801.936639"), ("basic", "25218.537585"), ("personnel", "23545.680500"),
                          ("public", "1672.857085"), ("project", "7583.399054")]:
        assert cell(r, "B05", column, row_key="total") == (D(value), 5)
    assert cell(r, "B05", "total", subject="2010805") == (D("486.506000"), 5)  # 审计管理
    assert cell(r, "B05", "project", subject="2010805") == (D("486.506000"), 5)
    assert cell(r, "B05", "total", subject="2010806") == (D("3613.399880"), 5)  # 信息化建设
    # 预算09表 三公, page 9
    assert cell(r, "B09", "budget", row_key="total") == (D("244.848000"), 9)
    assert cell(r, "B09", "budget", row_key="outbound_travel") == (D("173.520000"), 9)
    assert cell(r, "B09", "budget", row_key="vehicle_purchase") == (D("37.380000"), 9)


def test_jiangsu_by_hand(docs):
    r = docs[JIANGSU]
    # 公开01表 收支预算总表, page 8: 当年收入小计 / 收入合计 (no 总计 line)
    assert cell(r, "B01", "income", row_key="income_total") == (D("37188.34"), 8)
    assert cell(r, "B01", "income", row_key="grand_total") == (D("37188.34"), 8)
    assert cell(r, "B01", "expenditure", row_key="expenditure_total") == (D("37188.34"), 8)
    assert cell(r, "B01", "expenditure", row_key="grand_total") == (D("37188.34"), 8)
    assert cell(r, "B01", "expenditure", subject="204") == (D("27488.23"), 8)  # 四、公共安全支出
    # 公开07表 一般公共预算支出预算表 prints the 合计 only; 基本/项目 in 公开03表 支出预算总表 (page 9)
    assert cell(r, "B05", "total", row_key="total") == (D("37188.34"), 12)
    assert cell(r, "B03", "basic", row_key="total") == (D("21968.00"), 9)
    assert cell(r, "B03", "project", row_key="total") == (D("10208.94"), 9)
    assert cell(r, "B03", "reserve", row_key="total") == (D("5011.40"), 9)  # 单位预留机动经费
    # 项 of 公开07表, page 12: the value the layout printed apart from its name is joined again
    assert cell(r, "B05", "total", subject="2040501") == (D("17279.29"), 12)  # 行政运行
    assert cell(r, "B05", "total", subject="2080504") == (D("417.06"), 12)  # 未归口管理的行政单位离退休
    assert cell(r, "B05", "total", subject="204") == (D("27488.23"), 12)
    # 公开09表 "三公"经费、会议费、培训费, page 14
    assert cell(r, "B09", "budget", row_key="total") == (D("513.75"), 14)  # 三公 小计
    assert cell(r, "B09", "budget", row_key="total_all") == (D("2382.02"), 14)  # 合计 with 会议费, 培训费
    assert cell(r, "B09", "budget", row_key="training") == (D("1597.25"), 14)


def test_swu_by_hand(docs):
    r = docs[SWU]
    # 西南大学收支预算总表, page 7
    assert cell(r, "B01", "income", row_key="income_total") == (D("403484.64"), 7)
    assert cell(r, "B01", "income", row_key="nonfiscal_balance_used") == (D("59972.79"), 7)
    assert cell(r, "B01", "income", row_key="carryover_begin") == (D("93801.70"), 7)
    assert cell(r, "B01", "income", row_key="grand_total") == (D("557259.13"), 7)
    assert cell(r, "B01", "expenditure", row_key="expenditure_total") == (D("468779.07"), 7)
    assert cell(r, "B01", "expenditure", row_key="carryover_end") == (D("88480.06"), 7)
    assert cell(r, "B01", "expenditure", row_key="grand_total") == (D("557259.13"), 7)
    # the university template has no 一般公共预算 or 三公 table: its 财政拨款支出预算表, page 10
    assert cell(r, "B10", "total", row_key="total") == (D("230876.38"), 10)
    assert cell(r, "B10", "basic", row_key="total") == (D("199019.33"), 10)
    assert cell(r, "B10", "project", row_key="total") == (D("31857.05"), 10)
    assert cell(r, "B10", "total", subject="2050205") == (D("181866.03"), 10)  # 高等教育
    assert cell(r, "B10", "basic", subject="2050205") == (D("152573.56"), 10)
    assert cell(r, "B10", "project", subject="2060204") == (D("350.00"), 10)  # 实验室及相关设施
    assert cell(r, "B10", "basic", subject="2060204") == (None, 10)  # blank as printed


def test_xian_by_hand(docs):
    r = docs[XIAN]
    # 表1 收支总表, page 3: the expenditure side in 4 breakdowns; the 功能分类 one is read
    assert cell(r, "B01", "income", row_key="income_total") == (D("3643.37"), 3)
    assert cell(r, "B01", "income", row_key="prior_account_balance") == (D("40.93"), 3)  # 上年实户资金余额
    assert cell(r, "B01", "income", row_key="grand_total") == (D("3695.91"), 3)
    assert cell(r, "B01", "expenditure", row_key="expenditure_total") == (D("3643.37"), 3)
    assert cell(r, "B01", "expenditure", row_key="carryover_end") == (D("52.54"), 3)
    assert cell(r, "B01", "expenditure", subject="224") == (D("3271.54"), 3)  # 23、灾害防治及应急管理
    # 表5 一般公共预算支出明细表（按功能）, page 7: 人员经费 + 公用经费 = 基本, 专项业务经费 = 项目
    for column, value in [("total", "3643.37"), ("personnel", "1839.51"), ("public", "182.88"),
                          ("project", "1620.98")]:
        assert cell(r, "B05", column, row_key="total") == (D(value), 7)
    assert cell(r, "B05", "total", subject="2240101") == (D("853.04"), 7)  # 行政运行 (unit 125001)
    assert cell(r, "B05", "personnel", subject="2240101") == (D("786.21"), 7)
    assert cell(r, "B05", "total", subject="2240108") == (D("205.64"), 9)  # 应急救援 (unit 125004)
    assert cell(r, "B05", "project", subject="2240108") == (D("105.00"), 9)
    # 表13 三公 及会议费、培训费, page 32: the 2019 columns, not 2018 or the change
    assert cell(r, "B09", "budget", row_key="total") == (D("28.38"), 32)
    assert cell(r, "B09", "budget", row_key="total_all") == (D("83.74"), 32)
    assert cell(r, "B09", "budget", row_key="vehicle_operation") == (D("24.00"), 32)


def test_chongqing_by_hand(docs):
    r = docs[CHONGQING]
    # 表一 部门收支总体情况表, page 8: 合计 at the top of both halves
    assert cell(r, "B01", "income", row_key="grand_total") == (D("174900.64"), 8)
    assert cell(r, "B01", "expenditure", row_key="grand_total") == (D("174900.64"), 8)
    # 表五 一般公共预算支出情况表, page 16
    for column, value in [("total", "101833.84"), ("basic", "43436.09"), ("personnel", "34411.12"),
                          ("public", "9024.98"), ("project", "58397.75")]:
        assert cell(r, "B05", column, row_key="total") == (D(value), 16)
    assert cell(r, "B05", "total", subject="2011301") == (D("6231.54"), 16)  # 行政运行
    assert cell(r, "B05", "public", subject="2011301") == (D("1579.32"), 16)
    assert cell(r, "B05", "total", subject="2050305") == (D("32571.60"), 16)  # 高等职业教育
    assert cell(r, "B05", "project", subject="2050305") == (D("7672.97"), 16)
    # 表八 三公, page 23
    assert cell(r, "B09", "budget", row_key="total") == (D("890.97"), 23)
    assert cell(r, "B09", "budget", row_key="reception") == (D("121.07"), 23)


# --- identities --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five budgets and one final-accounts seed, extracted and checked."""
    from expectations.runner import run_checks
    from extract.pipeline import extract_paths

    if not BUDGET.exists():
        pytest.skip(f"shared budget corpus not found at {BUDGET}")
    corpus = tmp_path_factory.mktemp("budgets") / "corpus"
    corpus.mkdir()
    for name in FILES:
        shutil.copy(BUDGET / name, corpus / name)
    shutil.copy(seed("000"), corpus / seed("000").name)
    db = corpus.parent / "w.duckdb"
    extract_paths([corpus], db, workers=1)
    run_checks(db)
    return db


def _results(db: Path, status: str | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select d.file_name, r.identity_id, r.instance, r.status, r.lhs_value, r.rhs_value"
            " from audit.identity_results r join raw.documents d using (doc_id)"
            " where r.suite in ('row_sums', 'hierarchy_sums', 'line_identities', 'cross_table')"
            + (" and r.status = ?" if status else "") + " order by all", [status] if status else []).fetchall()


def test_budget_identities_pass_or_flag_the_real_defect(checked):
    # 西南大学收入预算表 page 8, row 2050202 小学教育: 收入合计 9,645.51 but 上年结转 14.33 + 财政拨款
    # 8,201.15 + 事业收入 0.50 + 其他收入 1,430.03 = 9,646.01; 20502 普通教育 (520,603.91) does include
    # the 0.50, so its 项 add up to 0.50 less (520,603.41). One real defect, found twice.
    assert [r for r in _results(checked, "violation") if r[0] != seed("000").name] == [
        (SWU, "B02.hierarchy", "node=20502, column=total", "violation", D("520603.91"), D("520603.41")),
        (SWU, "B02.row.total", "row=2050202 (row 4)", "violation", D("9645.51"), D("9646.01")),
    ]
    passed = {r[0] for r in _results(checked, "pass")}
    assert set(FILES) <= passed


def test_each_family_keeps_its_own_identities(checked):
    rows = _results(checked)
    budget_ids = {r[1] for r in rows if r[0] in FILES}
    final_ids = {r[1] for r in rows if r[0] == seed("000").name}
    assert budget_ids and all(i.startswith(("B", "X.B")) for i in budget_ids)
    assert final_ids and not any(i.startswith(("B", "X.B")) for i in final_ids)


def test_rounding_within_the_printed_precision_is_not_a_violation(checked):
    # 重庆 表二 row 208: 7,686.68 printed, parts 6,231.00 + 1,076.42 + 379.27 = 7,686.69 (the table's
    # own note: 由于四舍五入因素，部分分项加和与合计可能略有差异)
    assert (CHONGQING, "B02.row.total", "row=208 (row 14)", "rounding", D("7686.68"), D("7686.69")) in _results(
        checked, "rounding")


def _doc_id(db: Path, name: str) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select doc_id from raw.documents where file_name = ?", [name]).fetchone()[0]


@pytest.mark.parametrize(("name", "table", "column", "where", "expected"), [
    # 北京 预算01表 收入总计 32,852.053832 -> +1.00: unbalanced, and no longer 收入总表's 合计
    (BEIJING, "B01", "income", {"row_key": "grand_total"},
     {"B01.balance", "B01.income_grand_total", "X.B01_B02.total"}),
    # 重庆 表五 2011301 行政运行 合计 6,231.54 -> +1.00: its row and its 款 20113
    (CHONGQING, "B05", "total", {"subject_code": "2011301"},
     {"B05.row.total", "B05.row.parts", "B05.hierarchy"}),
    # 江苏 公开09表 三公 小计 513.75 -> +1.00: its items and the 合计 with 会议费/培训费
    (JIANGSU, "B09", "budget", {"row_key": "total"}, {"B09.total", "B09.total_all"}),
    # 西安 表8 基本支出 合计 人员经费 1,839.51 -> +1.00: its row, its 类, and 表5's 人员经费
    (XIAN, "B06", "personnel", {"row_key": "total"}, {"B06.row.total", "B06.classes", "X.B05_B06.parts"}),
    # 西南大学 收支预算总表 本年支出合计 468,779.07 -> +1.00
    (SWU, "B01", "expenditure", {"row_key": "expenditure_total"},
     {"B01.expenditure_total", "B01.expenditure_grand_total", "X.B01_B03.total"}),
])
def test_a_changed_figure_of_a_real_budget_is_found(checked, tmp_path, name, table, column, where, expected):
    from expectations.runner import run_checks
    from tests.expectation_fixtures import mutate

    db = Path(shutil.copy(checked, tmp_path / "w.duckdb"))
    doc_id = _doc_id(db, name)
    before = {(r[1], r[2]) for r in _results(db, "violation") if r[0] == name}
    mutate(db, doc_id, table, column, **where)
    run_checks(db, [doc_id])
    after = {(r[1], r[2]) for r in _results(db, "violation") if r[0] == name}
    assert {i for i, _ in after - before} == expected


def test_money_keeps_every_printed_decimal_in_the_warehouse(checked, tmp_path):
    """北京 prints 万元 to six places: 预算01表 收入总计 32,852.053832 (page 1) is stored exactly, and a
    change in the sixth decimal is a difference the checks see."""
    with duckdb.connect(str(checked), read_only=True) as con:
        stored = con.execute("""select c.value from raw.table_cells c join raw.documents d using (doc_id)
                                where d.file_name = ? and c.table_code = 'B01' and c.column_key = 'income'
                                and c.row_key = 'grand_total'""", [BEIJING]).fetchall()
    assert stored == [(D("32852.053832"),)] and str(stored[0][0]) == "32852.053832"


def test_a_warehouse_written_with_two_decimals_is_widened(tmp_path):
    from extract.writer import connect, ensure_schema

    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:  # what an older extractor created
        con.execute("create schema raw; create table raw.table_cells (doc_id varchar, value decimal(18, 2))")
        con.execute("insert into raw.table_cells values ('d', 804.61)")
    with connect(db) as con:
        ensure_schema(con)
        widened = con.execute("select data_type from information_schema.columns where table_schema = 'raw' "
                              "and table_name = 'table_cells' and column_name = 'value'").fetchall()
        assert widened == [("DECIMAL(24,6)",)]
        assert con.execute("select value from raw.table_cells").fetchall() == [(D("804.61"),)]
