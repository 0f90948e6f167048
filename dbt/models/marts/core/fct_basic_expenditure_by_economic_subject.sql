{{ config(materialized='incremental', incremental_strategy='append') }}
with

table_rows as (

    select * from {{ ref('int_table_rows') }}
    where table_code = 'T06' {{ new_documents() }}

),

cell_values as (

    select
        row_id,
        {{ pivot_cells(['final']) }}
    from {{ ref('stg_table_cells') }}
    where table_code = 'T06' {{ new_documents() }}
    group by row_id

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
        case
            when table_rows.row_key in ('personnel_total', 'public_total', 'total') then 'total'
            when table_rows.subject_code is not null then 'subject'
            else 'other'
        end as row_kind,
        table_rows.row_key,
        -- 人员经费 (301 工资福利支出, 303 对个人和家庭的补助) vs 公用经费 (all other 类)
        case
            when table_rows.row_key = 'personnel_total' then 'personnel'
            when table_rows.row_key = 'public_total' then 'public'
            when table_rows.row_key = 'total' then 'all'
            when left(table_rows.subject_code, 3) in ('301', '303') then 'personnel'
            when table_rows.subject_code is not null then 'public'
        end as expense_group,
        table_rows.subject_level,
        table_rows.item_name as subject_name_printed,

        ---------- amounts (万元)
        cell_values.final as amount,

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
