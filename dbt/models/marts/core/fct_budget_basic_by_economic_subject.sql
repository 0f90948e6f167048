-- 部门预算 basic spending by 经济分类 subject (B06 一般公共预算基本支出预算表, B11 财政拨款基本支出
-- 预算表): one row per document × printed row, 合计 with 人员经费 / 公用经费 where printed, in 万元
-- (NULL = blank cell). Rows repeat per 预算单位 block (budget_unit), as in fct_budget_by_subject.
{{ config(materialized='incremental', incremental_strategy='append') }}
with

table_rows as (

    select * from {{ ref('int_table_rows') }}
    where table_code in ('B06', 'B11') {{ new_documents() }}

),

cell_values as (

    select
        row_id,
        {{ pivot_cells(['total', 'personnel', 'public']) }}
    from {{ ref('stg_table_cells') }}
    where table_code in ('B06', 'B11') {{ new_documents() }}
    group by row_id

),

units as (

    -- the 预算单位 block a row is printed under: the last 单位 row above it
    select
        row_id,
        last_value(case when row_key = 'unit' then item_name end ignore nulls) over (
            partition by doc_id, table_code order by row_index
        ) as budget_unit
    from table_rows

),

final as (

    select
        ---------- keys
        table_rows.row_id,
        table_rows.doc_id,
        table_rows.agency_key,
        table_rows.fiscal_year,
        table_rows.subject_code as economic_subject_code,

        ---------- row
        table_rows.table_code,
        case table_rows.table_code when 'B06' then 'general_budget' else 'fiscal_grant' end as fund_scope,
        case when table_rows.row_key = 'unit' then 'unit' else table_rows.row_kind end as row_kind,
        -- 人员经费 (301 工资福利支出, 303 对个人和家庭的补助) vs 公用经费 (all other 类), as in T06
        case
            when table_rows.row_key = 'total' then 'all'
            when left(table_rows.subject_code, 3) in ('301', '303') then 'personnel'
            when table_rows.subject_code is not null then 'public'
        end as expense_group,
        table_rows.subject_level,
        table_rows.item_name as subject_name_printed,
        case when table_rows.row_kind <> 'total' then units.budget_unit end as budget_unit,

        ---------- amounts (万元)
        cell_values.total as amount,
        cell_values.personnel,
        cell_values.public,

        ---------- provenance
        table_rows.row_index,
        table_rows.row_label,
        table_rows.source_line,
        table_rows.page

    from table_rows
    left join cell_values on table_rows.row_id = cell_values.row_id
    left join units on table_rows.row_id = units.row_id

)

select * from final
