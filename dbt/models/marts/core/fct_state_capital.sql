-- 国有资本经营预算财政拨款支出决算表 (T08) is printed in two shapes: 合计/基本支出/项目支出, or
-- the T07 shape with 年初/年末结转和结余. Both land in the T07 shape: 合计 is 本年支出小计.
{{ config(materialized='incremental', incremental_strategy='append') }}
with

table_rows as (

    select * from {{ ref('int_table_rows') }}
    where table_code = 'T08' {{ new_documents() }}

),

cell_values as (

    select
        row_id,
        case
            when bool_or(column_key in ('carryover_begin', 'income', 'carryover_end'))
                then 'income_expenditure'
            else 'expenditure_only'
        end as template_variant,
        max(case when column_key in ('total', 'expenditure_total') then value_wan end) as expenditure_total,
        {{ pivot_cells(['carryover_begin', 'income', 'basic', 'project', 'carryover_end']) }}
    from {{ ref('stg_table_cells') }}
    where table_code = 'T08' {{ new_documents() }}
    group by row_id

),

final as (

    select
        ---------- keys
        table_rows.row_id,
        table_rows.doc_id,
        table_rows.agency_key,
        table_rows.fiscal_year,
        table_rows.subject_code,

        ---------- row
        table_rows.row_kind,
        table_rows.subject_level,
        table_rows.item_name as subject_name_printed,
        cell_values.template_variant,

        ---------- amounts (万元)
        cell_values.carryover_begin,
        cell_values.income,
        cell_values.expenditure_total,
        cell_values.basic,
        cell_values.project,
        cell_values.carryover_end,

        ---------- provenance
        table_rows.table_code,
        table_rows.row_index,
        table_rows.row_label,
        table_rows.source_line,
        table_rows.page

    from table_rows
    left join cell_values on table_rows.row_id = cell_values.row_id

)

select * from final
