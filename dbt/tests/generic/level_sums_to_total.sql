{#- The 类/款/项 trap as a test: per document, Σ column over the rows of one subject level
    (default 1 = 类) equals the table's printed total — each row matching `total_where` (a 合计
    printed twice is compared twice), or the column `total_column` when every row carries it —
    within the rounding of the printed figures (`tolerance_per_row` 万元 per summed row); a blank
    total is not compared. A content rule (a document may print inconsistent figures): it warns
    and stores the failing documents in schema audit. -#}
{% test level_sums_to_total(model, column_name, level=1, total_where="row_kind = 'total'", total_column=none,
                            tolerance_per_row=0.01) %}
{{ config(severity='warn', store_failures=true, schema='audit') }}

with

level_sums as (
    select
        doc_id,
        sum({{ column_name }}) as level_sum,
        count({{ column_name }}) as n_rows
    from {{ model }}
    where subject_level = {{ level }}
    group by doc_id
),

totals as (
    {%- if total_column %}
    select distinct
        doc_id,
        {{ total_column }} as printed_total
    from {{ model }}
    {%- else %}
    select
        doc_id,
        {{ column_name }} as printed_total
    from {{ model }}
    where {{ total_where }}
    {%- endif %}
)

select
    totals.doc_id,
    totals.printed_total,
    level_sums.level_sum,
    level_sums.n_rows
from totals
inner join level_sums on totals.doc_id = level_sums.doc_id
where
    totals.printed_total is not null
    and abs(coalesce(level_sums.level_sum, 0) - totals.printed_total)
    > {{ tolerance_per_row }} * greatest(level_sums.n_rows, 1)

{% endtest %}
