-- One row per document × 部门整体支出绩效自评表 × comparison of a 全年执行数 with the standard tables
-- of the same document:
-- * total_vs_T01: the table's 总额 (年度资金总额 / 金额合计·总额) = T01 收入支出决算总表 本年支出合计;
-- * fiscal_vs_T04: its 财政拨款 = T04 财政拨款收入支出决算总表 本年支出合计;
-- * subject_fiscal_vs_tables: a subject line's 财政拨款 = the 本年支出 of the 功能分类 row of the same
--   printed code, else the same name, in T05 / T07 / T08 (the 财政拨款 subject tables).
-- Only what matches unambiguously is compared: a name matching rows of several tables, rows of
-- different amounts, or several different amounts on the evaluation side are not_checkable; no
-- counterpart in the document is not_applicable. Money compares exactly within the rounding of the
-- printed figures: half a unit of the coarser last printed digit ("122020.6" -> 0.05), at least 0.01.
with

amounts as (

    select * from {{ ref('stg_performance_fund_amounts') }}
    where evaluation_scope = 'department' and measure = 'executed'

),

documents as (

    select
        doc_id,
        agency_key,
        fiscal_year
    from {{ ref('dim_document') }}

),

cells as (

    select
        doc_id,
        table_code,
        row_key,
        column_key,
        subject_code,
        replace(replace(item_name, '(', '（'), ')', '）') as subject_name,
        value_wan as amount,
        {{ to_wan("cast(0.5 / pow(10, length(regexp_extract(raw_text, '[.](\\d+)', 1))) as decimal(18, 6))",
                  'unit_printed') }} as rounding_half_unit,
        row_id,
        page
    from {{ ref('stg_table_cells') }}
    where measure_kind = 'money'

),

whole as (

    -- the evaluation's own totals: one comparison per evaluation and fund
    select
        evaluation_id,
        doc_id,
        case fund_source when 'total' then 'total_vs_T01' else 'fiscal_vs_T04' end as check_kind,
        arg_min(fund_amount_id, amount_index) as fund_amount_id,
        count(distinct amount) as n_evaluation_values,
        max(amount) as evaluation_amount,
        max(rounding_half_unit) as evaluation_half_unit,
        null as subject_code,
        null as subject_name
    from amounts
    where line_kind in ('funds', 'total') and fund_source in ('total', 'fiscal')
    group by evaluation_id, doc_id, fund_source

),

whole_counterparts as (

    select
        doc_id,
        case table_code when 'T01' then 'total_vs_T01' else 'fiscal_vs_T04' end as check_kind,
        count(*) as n_rows,
        count(distinct table_code) as n_tables,
        count(distinct amount) as n_values,
        count(amount) as n_printed,
        max(amount) as amount,
        max(rounding_half_unit) as half_unit,
        min(table_code) || ' 本年支出合计' as counterpart_label,
        string_agg(row_id, ',' order by row_id) as row_ids,
        min(page) as page
    from cells
    where
        row_key = 'expenditure_total'
        and (
            (table_code = 'T01' and column_key = 'expenditure')
            or (table_code = 'T04' and column_key = 'expenditure_total')
        )
    group by doc_id, table_code

),

subjects as (

    select
        evaluation_id,
        doc_id,
        'subject_fiscal_vs_tables' as check_kind,
        fund_amount_id,
        1 as n_evaluation_values,
        amount as evaluation_amount,
        rounding_half_unit as evaluation_half_unit,
        subject_code,
        subject_name
    from amounts
    where line_kind = 'subject' and fund_source = 'fiscal' and subject_name is not null

),

subject_counterparts as (

    select
        subjects.fund_amount_id,
        count(cells.row_id) as n_rows,
        count(distinct cells.table_code) as n_tables,
        count(distinct cells.amount) as n_values,
        count(cells.amount) as n_printed,
        max(cells.amount) as amount,
        max(cells.rounding_half_unit) as half_unit,
        string_agg(
            distinct cells.table_code || ' ' || cells.subject_code || ' ' || cells.subject_name, '; '
            order by cells.table_code || ' ' || cells.subject_code || ' ' || cells.subject_name
        ) as counterpart_label,
        string_agg(cells.row_id, ',' order by cells.row_id) as row_ids,
        min(cells.page) as page
    from subjects
    left join cells
        on
            subjects.doc_id = cells.doc_id
            and cells.subject_code is not null
            and (
                (cells.table_code = 'T05' and cells.column_key = 'total')
                or (cells.table_code = 'T07' and cells.column_key = 'expenditure_total')
                or (cells.table_code = 'T08' and cells.column_key in ('total', 'expenditure_total'))
            )
            and (
                (subjects.subject_code is not null and subjects.subject_code = cells.subject_code)
                or (subjects.subject_code is null and subjects.subject_name = cells.subject_name)
            )
    group by subjects.fund_amount_id

),

compared as (

    select
        whole.*,
        whole_counterparts.n_rows,
        whole_counterparts.n_tables,
        whole_counterparts.n_values,
        whole_counterparts.n_printed,
        whole_counterparts.amount as counterpart_amount,
        whole_counterparts.half_unit as counterpart_half_unit,
        whole_counterparts.counterpart_label as counterpart_ref,
        whole_counterparts.row_ids as counterpart_row_ids,
        whole_counterparts.page as counterpart_page
    from whole
    left join whole_counterparts
        on whole.doc_id = whole_counterparts.doc_id and whole.check_kind = whole_counterparts.check_kind

    union all
    select
        subjects.*,
        subject_counterparts.n_rows,
        subject_counterparts.n_tables,
        subject_counterparts.n_values,
        subject_counterparts.n_printed,
        subject_counterparts.amount,
        subject_counterparts.half_unit,
        subject_counterparts.counterpart_label,
        subject_counterparts.row_ids,
        subject_counterparts.page
    from subjects
    left join subject_counterparts on subjects.fund_amount_id = subject_counterparts.fund_amount_id

),

judged as (

    select
        compared.*,
        greatest(0.01, compared.evaluation_half_unit, coalesce(compared.counterpart_half_unit, 0)) as amount_tolerance,
        case
            when compared.n_evaluation_values > 1 then 'the self-evaluation prints different amounts for this fund'
            when coalesce(compared.n_rows, 0) = 0 then 'no counterpart row in the document'
            when compared.n_tables > 1 then 'the name matches rows of several tables'
            when compared.n_values > 1 then 'the matching rows print different amounts'
            when compared.n_printed = 0 then 'the counterpart cell is blank'
        end as status_reason
    from compared

),

final as (

    select
        ---------- keys
        judged.fund_amount_id as reconciliation_id,
        judged.evaluation_id,
        judged.doc_id,
        documents.agency_key,
        documents.fiscal_year,

        ---------- what is compared
        judged.check_kind,
        judged.subject_code,
        judged.subject_name,
        amounts.fund_label,

        ---------- both sides (万元)
        case when judged.n_evaluation_values = 1 then judged.evaluation_amount end as evaluation_amount,
        amounts.printed_text as evaluation_printed,
        judged.counterpart_amount,
        judged.counterpart_ref,
        judged.counterpart_row_ids,
        judged.counterpart_page,
        cast(judged.amount_tolerance as decimal(20, 6)) as amount_tolerance,
        judged.evaluation_amount - judged.counterpart_amount as difference,
        case
            when judged.status_reason = 'no counterpart row in the document' then 'not_applicable'
            when judged.status_reason is not null then 'not_checkable'
            when abs(judged.evaluation_amount - judged.counterpart_amount) <= judged.amount_tolerance then 'pass'
            else 'violation'
        end as check_status,
        judged.status_reason,

        ---------- provenance (the self-evaluation's row)
        amounts.raw_text,
        amounts.source_line,
        amounts.page

    from judged
    inner join amounts on judged.fund_amount_id = amounts.fund_amount_id
    left join documents on judged.doc_id = documents.doc_id

)

select * from final
