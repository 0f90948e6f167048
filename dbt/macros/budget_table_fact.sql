{#- Body of a wide fact over 部门预算 tables of subject rows (B02, B03, B05, B07, B08, B10): one row
    per document × printed row, one 万元 column per catalogue column key (NULL = blank cell), the
    row's fund scope (`fund_scopes`: table code -> scope, when given), the 预算单位 block it is
    printed under (budget_unit: the last 单位 row above it; a row_kind of its own, unit) and its
    provenance (row_id = doc_id:table_code:row_index, the key of its raw cells). -#}
{% macro budget_table_fact(table_codes, column_keys, fund_scopes={}) -%}
{%- set codes = "'" ~ table_codes | join("', '") ~ "'" -%}
with

table_rows as (

    select * from {{ ref('int_table_rows') }}
    where table_code in ({{ codes }}) {{ new_documents() }}

),

cell_values as (

    select
        row_id,
        {{ pivot_cells(column_keys) }}
    from {{ ref('stg_table_cells') }}
    where table_code in ({{ codes }}) {{ new_documents() }}
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
        table_rows.subject_code,

        ---------- row
        table_rows.table_code,
        {%- if fund_scopes %}
        case table_rows.table_code
            {%- for code, scope in fund_scopes.items() %}
            when '{{ code }}' then '{{ scope }}'
            {%- endfor %}
        end as fund_scope,
        {%- endif %}
        case when table_rows.row_key = 'unit' then 'unit' else table_rows.row_kind end as row_kind,
        table_rows.subject_level,
        table_rows.item_name as subject_name_printed,
        case when table_rows.row_kind <> 'total' then units.budget_unit end as budget_unit,

        ---------- amounts (万元)
        {%- for key in column_keys %}
        cell_values.{{ key }},
        {%- endfor %}

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
{%- endmacro %}
