{#- Body of the logical rows of summary tables (收支总表: T01/T04 of a 部门决算, B01/B04 of a
    部门预算): each printed line holds an income half and an expenditure half, each its own row.
    `amount` is the half's figure: income on the left, on the right expenditure (T01/B01) or
    the 支出小计 column expenditure_total (T04/B04) — a table prints one or the other. The grant
    rows under 年初(财政拨款)结转和结余 get section carryover_begin, whether the extractor keys
    them carryover_begin_<grant> or <grant> (then told apart by reading order). -#}
{% macro summary_rows(table_codes) -%}
{%- set codes = "'" ~ table_codes | join("', '") ~ "'" -%}
with

table_rows as (

    select * from {{ ref('int_table_rows') }}
    where table_code in ({{ codes }})

),

cell_values as (

    select
        row_id,
        bool_or(column_key = 'income') as is_income_side,
        {{ pivot_cells(['income', 'expenditure', 'expenditure_total', 'expenditure_general_budget',
                        'expenditure_gov_fund', 'expenditure_state_capital']) }}
    from {{ ref('stg_table_cells') }}
    where table_code in ({{ codes }})
    group by row_id

),

sided as (

    select
        table_rows.row_id,
        table_rows.doc_id,
        table_rows.agency_key,
        table_rows.fiscal_year,
        table_rows.table_code,
        table_rows.row_index,
        table_rows.row_label,
        table_rows.item_name,
        table_rows.row_key,
        table_rows.subject_code,
        table_rows.line_no,
        table_rows.source_line,
        table_rows.page,
        case when cell_values.is_income_side then 'income' else 'expenditure' end as side,
        case
            when cell_values.is_income_side then cell_values.income
            else coalesce(cell_values.expenditure, cell_values.expenditure_total)
        end as amount,
        cell_values.expenditure_general_budget as general_budget_amount,
        cell_values.expenditure_gov_fund as gov_fund_amount,
        cell_values.expenditure_state_capital as state_capital_amount
    from table_rows
    left join cell_values on table_rows.row_id = cell_values.row_id

),

carryover_starts as (

    -- where the 年初(财政拨款)结转和结余 block starts on the income side (reading order)
    select
        doc_id,
        table_code,
        min(row_index) as carryover_row_index
    from sided
    where side = 'income' and row_key = 'carryover_begin'
    group by doc_id, table_code

),

final as (

    select
        sided.*,
        case
            when sided.row_key like 'carryover\_begin\_%' escape '\' then 'carryover_begin'
            when
                sided.side = 'income'
                and sided.row_key in ('general_budget_grant', 'gov_fund_grant', 'state_capital_grant')
                and sided.row_index > carryover_starts.carryover_row_index
                then 'carryover_begin'
            else 'current_year'
        end as section
    from sided
    left join carryover_starts
        on
            sided.doc_id = carryover_starts.doc_id
            and sided.table_code = carryover_starts.table_code

)

select * from final
{%- endmacro %}
