{#- Body of a wide fact over one 功能分类 subject table (T02/T03/T05/T07/T08): one row per
    document × printed row, one 万元 column per template column key (NULL = blank cell), the
    row's provenance (row_id = doc_id:table_code:row_index, the key of its raw cells). -#}
{% macro subject_table_fact(table_code, column_keys) -%}
with

table_rows as (

    select * from {{ ref('int_table_rows') }}
    where table_code = '{{ table_code }}' {{ new_documents() }}

),

cell_values as (

    select
        row_id,
        {{ pivot_cells(column_keys) }}
    from {{ ref('stg_table_cells') }}
    where table_code = '{{ table_code }}' {{ new_documents() }}
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

        ---------- amounts (万元)
        {%- for key in column_keys %}
        cell_values.{{ key }},
        {%- endfor %}

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
{%- endmacro %}
