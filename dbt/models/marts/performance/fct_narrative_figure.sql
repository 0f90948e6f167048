-- One row per document × figure stated in prose, beside its counterpart: the table cell the
-- figure restates (T01 总计, T03/T05 基本/项目支出, T09 "三公" items, T10 statistics, T05 subjects
-- by 功能分类 name path, the 绩效自评表 of the document), or, for a completion rate, the rate
-- computed from the budget and final stated just before it. Nothing is smoothed over: a figure
-- that disagrees with its counterpart is kept as printed with check_status = 'mismatch'.
-- A rate is compared at the precision it is printed with ("77.1%" for 345.86 / 448.40 = 77.13%):
-- the computed rate rounded half-up to the printed decimals, give or take one unit of the last
-- printed digit and what the rounding of the stated amounts can move the rate.
with

figures as (

    select
        *,
        -- a joint "收、支总计" is compared with the income half of the 总计 row; a score is the
        -- 整体支出绩效自评表's only where the sentence says so (not a 财政重点评价 project's 综合得分)
        case
            when metric = 'self_evaluation_score' and subject is null and not regexp_matches(sentence, '整体|部门')
                then '(another evaluation)'
            else coalesce(subject, case when metric = 'total_income_expenditure' then 'income' end)
        end as match_subject,
        -- decimals printed ("77.1%" -> 1, "1 4 1 3 . 8 4万元" -> 2), as raw.narrative_figures.printed_decimals
        length(regexp_extract(replace(raw_value, ' ', ''), '[.](\d+)', 1)) as printed_decimals
    from {{ ref('stg_narrative_figures') }}

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
        *,
        coalesce(value_wan, value_count) as amount,
        replace(replace(coalesce(item_name, row_label), '（', '('), '）', ')') as name_ascii
    from {{ ref('stg_table_cells') }}

),

t05_subjects as (

    select * from cells
    where table_code = 'T05' and column_key = 'total' and subject_code is not null

),

table_counterparts as (

    -- 总计 of 收入支出决算总表 (T01) and 财政拨款收入支出决算总表 (T04), by half
    select
        doc_id,
        'total_income_expenditure' as metric,
        case table_code when 'T01' then 'all' else 'fiscal_grant' end as fund_scope,
        case when column_key = 'income' then 'income' else 'expenditure' end as subject,
        amount,
        row_id,
        table_code || ' 总计' as counterpart_ref
    from cells
    where
        row_key = 'grand_total'
        and (
            (table_code = 'T01' and column_key in ('income', 'expenditure'))
            or (table_code = 'T04' and column_key in ('income', 'expenditure_total'))
        )

    union all
    select
        doc_id,
        case row_key when 'income_total' then 'income_total' else 'expenditure_total' end as metric,
        case row_key when 'income_total' then null else 'all' end as fund_scope,
        null as subject,
        amount,
        row_id,
        'T01 ' || row_key as counterpart_ref
    from cells
    where
        table_code = 'T01'
        and (
            (row_key = 'income_total' and column_key = 'income')
            or (row_key = 'expenditure_total' and column_key = 'expenditure')
        )

    -- 基本支出 / 项目支出 of all funds (T03) and of the general budget (T05)
    union all
    select
        doc_id,
        'expenditure_' || column_key as metric,
        case table_code when 'T03' then 'all' else 'general_budget' end as fund_scope,
        null as subject,
        amount,
        row_id,
        table_code || ' 合计 ' || column_key as counterpart_ref
    from cells
    where table_code in ('T03', 'T05') and row_key = 'total' and column_key in ('basic', 'project')

    union all
    select
        cells.doc_id,
        m.metric,
        'general_budget' as fund_scope,
        null as subject,
        cells.amount,
        cells.row_id,
        'T05 合计 小计' as counterpart_ref
    from cells
    cross join (values ('grant_expenditure'), ('subject_final')) as m (metric)
    where cells.table_code = 'T05' and cells.row_key = 'total' and cells.column_key = 'total'

    -- 人员经费合计 / 公用经费合计 (T06), restated as general-budget or fiscal-grant basic spending
    union all
    select
        cells.doc_id,
        case cells.row_key when 'personnel_total' then 'personnel_cost' else 'public_cost' end as metric,
        s.fund_scope,
        null as subject,
        cells.amount,
        cells.row_id,
        'T06 ' || cells.row_key as counterpart_ref
    from cells
    cross join (values ('general_budget'), ('fiscal_grant')) as s (fund_scope)
    where cells.table_code = 'T06' and cells.row_key in ('personnel_total', 'public_total')

    -- "三公" budget and final per item (T09)
    union all
    select
        doc_id,
        'three_public_' || column_key as metric,
        null as fund_scope,
        row_key as subject,
        amount,
        row_id,
        'T09 ' || row_key || ' ' || column_key as counterpart_ref
    from cells
    where table_code = 'T09' and row_key is not null and column_key in ('budget', 'final')

    -- a T09 located but printed empty: every item is blank
    union all
    select
        document_tables.doc_id,
        'three_public_' || m.measure as metric,
        null as fund_scope,
        items.cost_item as subject,
        null as amount,
        document_tables.document_table_id as row_id,
        'T09 (empty table)' as counterpart_ref
    from {{ ref('stg_document_tables') }} as document_tables
    cross join {{ ref('stg_three_public_items') }} as items
    cross join (values ('budget'), ('final')) as m (measure)
    where
        document_tables.table_code = 'T09'
        and document_tables.table_status = 'empty'
        and not exists (
            select 1 from cells
            where cells.doc_id = document_tables.doc_id and cells.table_code = 'T09'
        )

    -- 政府采购, 车辆, 设备 (T10)
    union all
    select
        doc_id,
        case row_key when 'vehicles_total' then 'vehicles' else row_key end as metric,
        null as fund_scope,
        null as subject,
        amount,
        row_id,
        'T10 ' || row_key as counterpart_ref
    from cells
    where
        table_code = 'T10'
        and row_key in (
            'procurement_total', 'procurement_goods', 'procurement_works', 'procurement_services',
            'vehicles_total', 'equipment_over_1m'
        )

    -- 机关运行经费 (T10): the printed total, else the sum of its parts
    union all
    select
        doc_id,
        'operating_cost' as metric,
        null as fund_scope,
        null as subject,
        coalesce(
            max(amount) filter (where row_key = 'operating_cost_total'),
            sum(amount) filter (where row_key <> 'operating_cost_total')
        ) as amount,
        min(row_id) as row_id,
        'T10 机关运行经费' as counterpart_ref
    from cells
    where table_code = 'T10' and row_key like 'operating_cost%'
    group by doc_id

    -- 功能分类 类 and 项 paths of the general-budget table (T05), by printed names
    union all
    select
        doc_id,
        'class_expenditure' as metric,
        'general_budget' as fund_scope,
        name_ascii as subject,
        amount,
        row_id,
        'T05 ' || subject_code as counterpart_ref
    from t05_subjects
    where subject_level = 1

    union all
    select
        item.doc_id,
        'subject_final' as metric,
        'general_budget' as fund_scope,
        cls.name_ascii || '/' || sec.name_ascii || '/' || item.name_ascii as subject,
        item.amount,
        item.row_id,
        'T05 ' || item.subject_code as counterpart_ref
    from t05_subjects as item
    inner join t05_subjects as sec
        on item.doc_id = sec.doc_id and left(item.subject_code, 5) = sec.subject_code
    inner join t05_subjects as cls
        on item.doc_id = cls.doc_id and left(item.subject_code, 3) = cls.subject_code
    where item.subject_level = 3

    -- the document's own 绩效自评表
    union all
    select
        doc_id,
        'projects_self_evaluated' as metric,
        null as fund_scope,
        null as subject,
        cast(count(*) filter (where evaluation_scope = 'project') as decimal(20, 6)) as amount,
        min(evaluation_id) as row_id,
        '项目支出绩效自评表 count' as counterpart_ref
    from {{ ref('stg_performance_evaluations') }}
    group by doc_id

    union all
    select
        doc_id,
        'self_evaluation_score' as metric,
        null as fund_scope,
        null as subject,
        cast(total_score as decimal(20, 6)) as amount,
        evaluation_id as row_id,
        '整体支出绩效自评表 总分' as counterpart_ref
    from {{ ref('stg_performance_evaluations') }}
    where evaluation_scope = 'department'

),

counterparts as (

    select
        doc_id,
        metric,
        fund_scope,
        subject,
        min(amount) as counterpart_value,
        max(amount) as counterpart_value_max,
        count(*) as n_counterparts,
        count(amount) as n_counterpart_values,
        string_agg(distinct counterpart_ref, '; ' order by counterpart_ref) as counterpart_ref,
        string_agg(distinct row_id, ',' order by row_id) as counterpart_row_ids
    from table_counterparts
    group by doc_id, metric, fund_scope, subject

),

-- completion rates: the final and budget stated last before the rate, for the same subject
finals as (

    select
        doc_id,
        figure_index,
        coalesce(fund_scope, '') as scope_key,
        coalesce(subject, '') as subject_key,
        value_wan,
        -- half a unit of the last printed digit, in 万元
        0.5 * power(10, -printed_decimals) * case when unit_printed = '元' then 0.0001 else 1 end as half_unit,
        metric
    from figures
    where metric in ('subject_final', 'three_public_final')

),

budgets as (

    select
        doc_id,
        figure_index,
        coalesce(fund_scope, '') as scope_key,
        coalesce(subject, '') as subject_key,
        value_wan,
        0.5 * power(10, -printed_decimals) * case when unit_printed = '元' then 0.0001 else 1 end as half_unit,
        metric
    from figures
    where metric in ('subject_budget_initial', 'subject_budget_full_year', 'subject_budget', 'three_public_budget')

),

rates as (

    select
        figures.figure_id,
        finals.value_wan as rate_final,
        budgets.value_wan as rate_budget,
        figures.printed_decimals,
        cast(finals.value_wan as double) / nullif(cast(budgets.value_wan as double), 0) * 100 as computed_rate,
        -- one unit of the rate's last printed digit, plus what the rounding of the amounts can move it
        power(10, -figures.printed_decimals)
        + 100 * (
            finals.half_unit / nullif(cast(budgets.value_wan as double), 0)
            + cast(finals.value_wan as double) * budgets.half_unit
            / nullif(pow(cast(budgets.value_wan as double), 2), 0)
        ) as rate_tolerance
    from figures
    asof left join finals
        on
            figures.doc_id = finals.doc_id
            and coalesce(figures.fund_scope, '') = finals.scope_key
            and coalesce(figures.subject, '') = finals.subject_key
            and figures.figure_index > finals.figure_index
    asof left join budgets
        on
            figures.doc_id = budgets.doc_id
            and coalesce(figures.fund_scope, '') = budgets.scope_key
            and coalesce(figures.subject, '') = budgets.subject_key
            and figures.figure_index > budgets.figure_index
    where figures.metric in ('completion_rate', 'three_public_completion_rate')

),

rates_printed as (

    -- the computed rate rounded half-up to the decimals the rate is printed with
    -- (1e-9: a half that the division in double lands just below)
    select
        *,
        floor(computed_rate * power(10, printed_decimals) + 0.5 + 1e-9) / power(10, printed_decimals)
            as computed_rate_printed
    from rates

),

compared as (

    select
        figures.*,
        counterparts.counterpart_value as table_value,
        counterparts.counterpart_value_max,
        counterparts.n_counterparts,
        counterparts.n_counterpart_values,
        counterparts.counterpart_ref,
        counterparts.counterpart_row_ids,
        rates.rate_final,
        rates.rate_budget,
        rates.computed_rate,
        rates.computed_rate_printed,
        rates.rate_tolerance,
        coalesce(figures.value_wan, figures.value_other) as value
    from figures
    left join counterparts
        on
            figures.doc_id = counterparts.doc_id
            and figures.metric = counterparts.metric
            and figures.fund_scope is not distinct from counterparts.fund_scope
            and figures.match_subject is not distinct from counterparts.subject
    left join rates_printed as rates on figures.figure_id = rates.figure_id

),

final as (

    select
        ---------- keys
        compared.figure_id,
        compared.doc_id,
        documents.agency_key,
        documents.fiscal_year,

        ---------- figure
        compared.figure_index,
        compared.metric,
        compared.fund_scope,
        compared.subject,
        compared.measure_kind,
        compared.value,
        compared.value_wan,
        compared.value_printed,
        compared.unit_printed,
        compared.raw_value,
        compared.printed_decimals,

        ---------- counterpart
        coalesce(
            compared.counterpart_ref,
            case when compared.rate_budget is not null then 'stated final / stated budget' end
        ) as counterpart_ref,
        compared.counterpart_row_ids,
        coalesce(
            compared.table_value,
            cast(compared.computed_rate_printed as decimal(20, 6))
        ) as counterpart_value,
        compared.rate_budget,
        compared.rate_final,
        cast(round(compared.computed_rate, 4) as decimal(20, 6)) as computed_rate,
        cast(round(compared.rate_tolerance, 6) as decimal(20, 6)) as rate_tolerance,
        case
            when compared.metric in ('completion_rate', 'three_public_completion_rate')
                then
                    case
                        when compared.rate_budget is null or compared.rate_final is null then 'no_counterpart'
                        when compared.rate_budget = 0 then 'not_computable'
                        when
                            abs(cast(compared.value as double) - compared.computed_rate_printed)
                            <= compared.rate_tolerance
                            then 'match'
                        else 'mismatch'
                    end
            when compared.n_counterparts is null then 'no_counterpart'
            when (compared.table_value is distinct from compared.counterpart_value_max) then 'ambiguous'
            when compared.n_counterpart_values = 0
                then case when compared.value = 0 then 'match_blank' else 'mismatch' end
            when compared.measure_kind = 'money' and abs(compared.value - compared.table_value) <= 0.01 then 'match'
            when compared.measure_kind <> 'money' and compared.value = compared.table_value then 'match'
            else 'mismatch'
        end as check_status,

        ---------- provenance
        compared.label,
        compared.section,
        compared.sentence,
        compared.source_line,
        compared.page

    from compared
    left join documents on compared.doc_id = documents.doc_id

)

select * from final
