"""Figures stated in prose (情况说明, 绩效自评报告) -> raw.narrative_figures.

Every number with a unit (万元, 元, %, 个, 辆, 台, 分) in a sentence is a mention; its label is the
text between the previous mention (or clause mark ，；：) and the number. The label, read with a
little context, names the figure:
- a family keyword in the label (收支总计, 收入合计, 基本支出, "三公" items, 机关运行经费,
  政府采购, 年初预算, (类)/(款)/(项) subject paths, …) sets the metric and becomes the sentence's
  current base;
- a bare verb label (增加/减少, 增长/下降, 占…, 完成…预算, 支出决算为) applies to the current base:
  '与上年相比，减少 207.43 万元' is the change of the total named just before;
- labels about last year's value ('比去年同期1432.02万元') or about what money was used for are left
  alone (no figure), so a figure is only emitted when its meaning is known.
Scope (all | fiscal_grant | general_budget) comes from the label, else the sentence, else the
section heading. Values keep their sign (减少/下降 -> negative) and the sentence they came from.

Nothing is read from a sentence whose reading is in doubt (issue 12):
- a figure's unit must fit its metric: money only from 万元/元, rates and shares only from %
  ('基本支出完成全年目标的 92%' is no amount);
- an amount in brackets with the meaning of the figure before the brackets is its part
  ('公务接待费 0.39 万元（国（境）外公务接待 0.00 万元）') and is not read;
- letter-spaced digits are one number ('1 4 1 3 . 8 4万元'; raw_value keeps the printed text);
- a change rate printed without its % sign right after the amount of the same change
  ('增加 150.00 万元，增长 13.95。') is that rate, its raw_value showing no sign;
- printed_decimals keeps the printed precision (rates are compared at it downstream).

The prose is the running text outside the table of contents and the tables (as extract/sections.py
reads them). Its sentences also go to raw.narrative_sentences, one row per printed line of a
sentence, with its paragraph and the 情况说明 section (catalogue.yml narrative_sections) it is in:
the checks read what a paragraph says beside its figures (a 主要原因 clause, the 项 it names) and
the slips and admissions a sentence prints (expectations/consistency_text.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .catalogue import catalogue
from .locate import TableRegion, locate_tables
from .narrative_text import Sentence, sentences
from .records import Row
from .sections import _table_rows, _toc_rows, heading

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# letter-spaced: one character between single spaces ('1 4 1 3 . 8 4', '1 , 4 1 3 . 8 4')
_SPACED = r"\d(?: \d){0,2}(?: , \d \d \d)+(?: \. \d(?: \d)*)?|\d(?: \d)*(?: \. \d(?: \d)*)?"
# a number with its unit, or a bare number ending a clause (group 2 None: a rate without its % sign)
_MENTION = re.compile(
    rf"(?<![\d.,])({_SPACED}|{_NUMBER})\s*(?:(万元|元|%|％|个|辆|台|分)|(?=[，；;。！？]|$))")
_BARE_RATE = re.compile(r"(比上年|较上年|同比)?(增长|下降|上升|降低)了?")
_RELATIVE = ("_share", "_change", "_change_pct", "completion_rate")
_COUNT_UNITS = {"vehicles": "辆", "equipment_over_1m": "台", "projects_self_evaluated": "个",
                "self_evaluation_score": "分"}
_CLAUSE = re.compile(r"[，,；;：:。！？]")
_CHANGE = re.compile(r"(增加|减少|增长|下降|上升|上涨|降低|减)")
_NEGATIVE = re.compile(r"(减少|下降|降低|减)")
_PRIOR = re.compile(r"(去年|上年|上一年|同期|(比|较|与)20\d\d年)")
_SHARE = re.compile(r"占")
_COMPLETION = re.compile(r"完成.{0,6}预算|完成率|执行率")
# '共涉及1个一级项目': the count names its projects after the number (not '7个项目自评等级为“优”')
_PROJECTS_AFTER = re.compile(r"(一级|二级)?项目(?!.{0,6}(等级|评级))")
_OWN_EXECUTION = re.compile(r"执行数\s*\d[\d,.\s]*万?元")  # the sentence states its own 执行数 (maybe letter-spaced)
_PATH = re.compile(
    r"(?P<cls>[^，。；：、]+?)[（(]类[)）](?P<sec>[^，。；：]+?)[（(]款[)）](?P<item>[^，。；：]+?)[（(]项[)）]")
_TOTAL_SUBJECT = re.compile(
    r"^(本部门|我部门|本单位|我单位|我局|本局)?(一般公共预算)?(财政拨款)?(决算)?(支出|收入、?支出)?$"
)

THREE_PUBLIC_ITEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), k)
    for p, k in (
        (r"国内接待|外事接待|国[（(]境[)）]外接待", "skip"),
        (r"公务用车购置(费)?及运行|公务用车购置费和运行", "vehicle_total"),
        (r"公务用车购置", "vehicle_purchase"),
        (r"公(务用)?车运行(维护)?费?|公务用车运维", "vehicle_operation"),
        (r"因公出国", "outbound_travel"),
        (r"公务接待", "reception"),
        (r"三公", "total"),
    )
)

# (pattern on the label, metric); first match wins. Order: specific before general.
FAMILIES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), k)
    for p, k in (
        (r"(收、?支|收入支出|收支)(决算)?总计", "total_income_expenditure"),
        (r"收入总计", "total_income"),
        (r"支出总计", "total_expenditure"),
        (r"收入合计", "income_total"),
        (r"基本支出(合计|总额)", "expenditure_basic"),
        (r"项目支出(合计|总额)", "expenditure_project"),
        (r"支出合计", "expenditure_total"),
        (r"政府性基金预算财政拨款(本年)?收入", "income_gov_fund"),
        (r"国有资本经营预算财政拨款(本年)?收入", "income_state_capital"),
        (r"一般公共预算(财政拨款)?收入", "income_general_budget"),
        (r"财政拨款收入", "income_fiscal_grant"),
        (r"上级补助收入", "income_superior_subsidy"),
        (r"附属单位上缴收入", "income_affiliate"),
        (r"事业收入", "income_business"),
        (r"经营收入", "income_operating"),
        (r"其他收入", "income_other"),
        (r"机关运行经费", "operating_cost"),
        (r"人员经费", "personnel_cost"),
        (r"公用经费", "public_cost"),
        (r"基本支出", "expenditure_basic"),
        (r"项目支出", "expenditure_project"),
        (r"上缴上级支出", "expenditure_remit_superior"),
        (r"对附属单位补助支出", "expenditure_affiliate_subsidy"),
        (r"经营支出", "expenditure_operating"),
        (r"(一般公共预算)?财政拨款(决算)?支出$", "grant_expenditure"),
    )
)
PROCUREMENT: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), k)
    for p, k in (
        (r"授予小微企业", "procurement_small_micro"),
        (r"授予中小企业|中小企业供应商", "procurement_sme"),
        (r"货物", "procurement_goods"),
        (r"工程", "procurement_works"),
        (r"服务", "procurement_services"),
        (r"政府采购(支出)?(总额|金额|合计)|采购(支出)?总额", "procurement_total"),
    )
)
# metrics whose scope (all | fiscal_grant | general_budget) matters for the cross-checks
SCOPED = {
    "total_income_expenditure", "total_income", "total_expenditure", "expenditure_total",
    "expenditure_basic", "expenditure_project", "personnel_cost", "public_cost",
    "grant_expenditure", "subject_budget_initial", "subject_budget_full_year", "subject_budget",
    "subject_final", "completion_rate", "class_expenditure",
}


@dataclass
class _Base:
    metric: str
    scope: str | None = None
    subject: str | None = None


PRIOR = _Base("prior_year")  # last year's value: not emitted, keeps the current base


@dataclass
class _Context:
    subject: str | None = None  # current 功能分类 subject (budget/final/completion)
    base: _Base | None = None  # what a bare verb label refers to
    three_public_measure: str = "final"
    fresh: bool = False  # no unknown figure since the base was named
    figures: list[dict] = field(default_factory=list)


def _norm_name(text: str) -> str:
    text = re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")
    return re.sub(r"^[\d一二三四五六七八九十]+[、.．]", "", text)


def _path(text: str) -> str | None:
    """The last 类/款/项 path the text names, as 'class/section/item'."""
    matches = list(_PATH.finditer(re.sub(r"\s+", "", text)))
    if not matches:
        return None
    return "/".join(_norm_name(matches[-1].group(g)) for g in ("cls", "sec", "item"))


def _fund_scope(text: str) -> str | None:
    if "政府性基金" in text:
        return "gov_fund"
    if "国有资本经营" in text:
        return "state_capital"
    if "一般公共预算" in text:
        return "general_budget"
    if "财政拨款" in text:
        return "fiscal_grant"
    return None


def _section_scope(section: str | None) -> str:
    return _fund_scope(section or "") or "all"


def _scope(label: str, before: str, section: str | None) -> str:
    for text in (label, before):
        scope = _fund_scope(text)
        if scope:
            return scope
    return _section_scope(section)


def _root_metric(metric: str) -> str:
    """'expenditure_basic_share' -> 'expenditure_basic'."""
    return re.sub(r"(_share|_change_pct|_change)$", "", metric)


def _fits_unit(metric: str, unit: str) -> bool:
    """Money metrics are read only from 万元/元, rates and shares only from %, counts from their unit."""
    if metric.endswith(("_share", "_change_pct", "completion_rate")):
        return unit == "%"
    root = _root_metric(metric)
    if root in _COUNT_UNITS:
        return unit == _COUNT_UNITS[root]
    return unit in ("万元", "元")


def _open_bracket(text: str, pos: int) -> int:
    """Offset of the outermost bracket still open at `pos`, else -1."""
    opened: list[int] = []
    for i, char in enumerate(text[:pos]):
        if char in "（(":
            opened.append(i)
        elif char in "）)" and opened:
            opened.pop()
    return opened[0] if opened else -1


def _strip_lead(text: str) -> str:
    text = re.sub(r"^[、，,；;：:（(）)\s]+", "", text)
    text = re.sub(r"^(其中|另外|此外)[：:，,]?", "", text)
    return re.sub(r"^\d{4}年(度)?", "", text)


def _three_public_item(label: str) -> str | None:
    for pattern, key in THREE_PUBLIC_ITEMS:
        if pattern.search(label):
            return key
    return None


def _classify(label: str, before: str, unit: str, sentence: Sentence, ctx: _Context,
              after: str = "") -> _Base | None:
    """The meaning of one mention (`after`: the text following it), or None when it is not a figure we know."""
    if "用于" in label or "单价" in label:
        return None
    sent = sentence.text
    money = unit in ("万元", "元")

    if unit == "辆":
        if re.search(r"车辆", label) and re.search(r"共有|合计|共", label):
            return _Base("vehicles")
        if label.endswith("用车") and re.search(r"共有车辆|车辆数", sent):
            return _Base("vehicles", subject=_strip_lead(label))
        return None
    if unit == "台":
        return _Base("equipment_over_1m") if "设备" in label and "100万元" in re.sub(r"\s", "", sent) else None
    if unit == "个":
        if re.search(r"评级|等级|为“|目标|跟踪|问题|整改", label):
            return None
        if "自评" in label or ("项目" in label or _PROJECTS_AFTER.match(after)) and "自评" in sent:
            return _Base("projects_self_evaluated")
        return None
    if (money and re.match(r"^(共)?(涉及)?(预算)?(资金|金额)", label) and ctx.fresh
            and ctx.base is not None and ctx.base.metric == "projects_self_evaluated"):
        return _Base("self_evaluated_funds")
    if unit == "分":
        if re.search(r"评分|自评分|得分", label):
            m = re.search(r"(?:其中)?(.*?)(?:自评分|评分|得分)", label)
            part = m.group(1) if m and re.search(r"其中|效能", label) else ""
            subject = "average" if "平均" in label else (_strip_lead(part) or None)
            return _Base("self_evaluation_score", subject=subject)
        return None

    # shares, completion rates, changes: relative to the current base
    item = _three_public_item(label)
    if item == "skip":
        return None
    if _SHARE.search(label) and unit in ("%", "％"):
        head = label.split("占")[0]
        base = _family(head, before, sentence, ctx) if head else None
        base = base or ctx.base
        if base is None:
            return None
        subject = base.subject
        if base.metric.startswith("procurement"):
            kind = re.match(r"(货物|工程|服务)", head)
            subject = {"货物": "goods", "工程": "works", "服务": "services"}[kind.group(1)] if kind else None
            base = _Base("procurement_sme" if kind else base.metric)
        return _Base(f"{base.metric}_share", base.scope, subject)
    if _COMPLETION.search(label) and unit in ("%", "％"):
        if item or (ctx.base and ctx.base.metric.startswith("three_public")):
            subj = item or (ctx.base.subject if ctx.base else None)
            return _Base("three_public_completion_rate", subject=subj)
        if _OWN_EXECUTION.search(sentence.text):  # '预算数 X, 执行数 Y, 完成预算的 Z%': a project's own
            return _Base("project_completion_rate")
        prefix = _strip_lead(re.split(r"完成|预算完成率|执行率", label)[0])
        subject = ctx.subject if ctx.subject is not None else (prefix or None)
        return _Base("completion_rate", _scope(label, before, sentence.section), subject)
    change = _CHANGE.search(label)
    if change:
        head = label[: change.start()]
        base = _family(head, before, sentence, ctx) if head else None
        if base is not None:
            ctx.base = base
        elif ctx.base is not None and ctx.fresh:
            base = ctx.base
        else:
            return None
        suffix = "_change_pct" if unit in ("%", "％") else "_change"
        return _Base(base.metric + suffix, base.scope, base.subject)
    if _PRIOR.search(label) or re.match(r"^\s*(去年|上年)", sentence.text):
        return PRIOR
    base = _family(label, before, sentence, ctx)
    if base is None:
        return None
    if not money and unit not in ("%", "％"):
        return None
    return base


def _family(label: str, before: str, sentence: Sentence, ctx: _Context) -> _Base | None:
    section = sentence.section
    item = _three_public_item(label)
    if item and item != "skip":
        if re.search(r"预算", label) and not re.search(r"决算", label):
            measure = "budget"
        elif re.search(r"决算|支出", label):
            measure = "final"
        else:
            measure = ctx.three_public_measure
        ctx.three_public_measure = measure
        return _Base(f"three_public_{measure}", subject=item)
    if ctx.base is not None and ctx.base.metric.startswith("three_public") and re.fullmatch(
        r"(支出)?(决算|预算)(数)?(为)?|支出", label
    ):
        measure = "budget" if "预算" in label else "final"
        return _Base(f"three_public_{measure}", subject=ctx.base.subject)
    if "采购" in label or (ctx.base and ctx.base.metric.startswith("procurement")):
        for pattern, key in PROCUREMENT:
            if pattern.search(label):
                return _Base(key)
    path = _path(label)
    if path is None and "(类)" in label.replace("（", "(").replace("）", ")"):
        name = _norm_name(re.sub(r"[（(]类[)）]", "", label))
        name = re.sub(r"^.*[：:]", "", name)
        return _Base("class_expenditure", _section_scope(section), name)
    m = re.search(r"(年初预算|全年预算|调整后预算|预算)(数)?(为|是)?$", label) or re.search(
        r"(年初预算|全年预算|调整后预算)(数)?(为|是)?", label
    )
    if m:
        kind = {"年初预算": "subject_budget_initial", "全年预算": "subject_budget_full_year",
                "调整后预算": "subject_budget_full_year"}.get(m.group(1), "subject_budget")
        prefix = _strip_lead(label[: m.start()])
        if path is not None:
            ctx.subject = path
        elif not prefix:
            pass  # '年初预算为 …' under a subject named in the sentence before
        elif _TOTAL_SUBJECT.match(prefix):
            ctx.subject = None
        else:
            ctx.subject = prefix
        return _Base(kind, _scope(label, before, section), ctx.subject)
    if (re.fullmatch(r"(支出)?(决算|执行)(数)?(为|是)?|支出", label)
            and ctx.base and ctx.base.metric.startswith("subject_")):
        return _Base("subject_final", ctx.base.scope, ctx.subject)
    for pattern, key in FAMILIES:
        if pattern.search(label):
            if key.startswith("total_") and "财政拨款" in label + before:
                scope = "fiscal_grant" if "一般公共预算" not in label else "general_budget"
            else:
                scope = _scope(label, before, section)
            subject = None
            if key in ("total_income", "total_expenditure"):
                key, subject = "total_income_expenditure", key.removeprefix("total_")
            return _Base(key, scope if key in SCOPED else None, subject)
    return None


def _figures(sentence: Sentence, ctx: _Context) -> None:
    text = sentence.text
    path = _path(text)
    if path is not None:
        ctx.subject = path
    last_end = 0
    read: list[tuple[int, dict]] = []  # (end offset, figure) of this sentence
    for m in _MENTION.finditer(text):
        raw_label = text[last_end : m.start()]
        clause = _CLAUSE.split(raw_label)[-1]
        label = _strip_lead(re.sub(r"\s+", "", clause))
        before = re.sub(r"\s+", "", text[: m.start()])
        unit = "%" if m.group(2) == "％" else m.group(2)
        if unit is None:  # '增加 150.00 万元，增长 13.95。': the rate of the change just read
            previous = read[-1][1]["metric"] if read and read[-1][0] == last_end else ""
            if not (_BARE_RATE.fullmatch(label) and previous.endswith("_change")):
                continue
            unit = "%"
        last_end = m.end()
        base = _classify(label, before, unit, sentence, ctx, text[m.end():])
        if base is None or (base is not PRIOR and not _fits_unit(base.metric, unit)):
            ctx.fresh = False
            continue
        if base is PRIOR:
            continue
        scope = base.scope if _root_metric(base.metric) in SCOPED else None
        bracket = _open_bracket(text, m.start())
        if bracket >= 0 and not base.metric.endswith(_RELATIVE):
            # '公务接待费 0.39 万元（国（境）外公务接待 0.00 万元）': a part of the figure it qualifies
            qualified = [f for end, f in read if end <= bracket]
            if qualified and (qualified[-1]["metric"], qualified[-1]["scope"], qualified[-1]["subject"]) == (
                    base.metric, scope, base.subject):
                continue
        elif not base.metric.endswith(_RELATIVE):
            ctx.base, ctx.fresh = base, True
        number = re.sub(r"[\s,]", "", m.group(1))
        value = Decimal(number)
        if base.metric.endswith(("_change", "_change_pct")) and _NEGATIVE.search(label):
            value = -value
        line, page = sentence.locate(m.start())
        figure = {
            "metric": base.metric,
            "scope": scope,
            "subject": base.subject,
            "value": value,
            "unit": unit,
            "raw_value": m.group(0).rstrip(),
            "printed_decimals": len(number.partition(".")[2]),
            "label": label,
            "section": sentence.section,
            "sentence": text.strip(),
            "source_line": line,
            "page": page,
        }
        read.append((m.end(), figure))
        ctx.figures.append(figure)


def _section(row: Row) -> tuple[str, str] | None:
    """(key, heading) of the 情况说明 section a heading row opens (the first declared one it names)."""
    found = heading(row)
    if found is None:
        return None
    key = next((k for k, p in catalogue().section_patterns().items() if p.match(found[1])), None)
    return (key, found[0]) if key else None


def _sentence_rows(index: int, sentence: Sentence) -> list[dict]:
    """The sentence as printed, one row per line."""
    key, head = sentence.part or (None, None)
    return [{"sentence_index": index, "line_index": k, "paragraph_index": sentence.paragraph, "section_key": key,
             "heading": head, "text": text, "source_line": line, "page": page}
            for k, (text, line, page) in enumerate(sentence.printed())]


def _not_prose(rows: list[Row], regions: list[TableRegion]) -> set[int]:
    """ids of the rows of the table of contents and of the tables (title to last multi-cell row)."""
    return _table_rows(regions) | {id(rows[i]) for i in _toc_rows(rows)}


def extract_narrative(rows: list[Row], regions: list[TableRegion] | None = None) -> dict[str, list[dict]]:
    """Every known figure stated in the prose of a document, with its sentence, and every sentence
    line by line (no doc_id; regions: the document's located tables, when already located)."""
    ctx = _Context()
    paragraph = -1
    prose = sentences(rows, _section, _not_prose(rows, locate_tables(rows) if regions is None else regions))
    for sentence in prose:
        if sentence.paragraph != paragraph:
            paragraph = sentence.paragraph
            ctx.base = None
            ctx.three_public_measure = "final"
            if sentence.numbered or _path(sentence.text):
                ctx.subject = None
        _figures(sentence, ctx)
    out = [{"figure_index": i, **f} for i, f in enumerate(ctx.figures)]
    return {"narrative_figures": out,
            "narrative_sentences": [r for i, s in enumerate(prose) for r in _sentence_rows(i, s)]}
