-- Continuity across years, what only a warehouse holding several years can check: an agency's
-- 年末结转和结余 of year N is its 年初结转和结余 of year N+1, in the 收入支出决算总表 (T01) and in
-- the 财政拨款收入支出决算总表 (T04). One row per agency × year N+1 × table, where the warehouse
-- holds both years (the documents of int_agency_year_documents).
with

documents as (

    select * from {{ ref('int_agency_year_documents') }}

),

balances as (

    select
        doc_id,
        table_code,
        max(amount) filter (where row_key = 'carryover_begin' and side = 'income') as carryover_begin,
        max(amount) filter (where row_key = 'carryover_end' and side = 'expenditure') as carryover_end,
        min(page) filter (where row_key = 'carryover_begin') as carryover_begin_page,
        min(page) filter (where row_key = 'carryover_end') as carryover_end_page,
        count(*) filter (where row_key = 'carryover_begin' and side = 'income') as n_begin_rows,
        count(*) filter (where row_key = 'carryover_end' and side = 'expenditure') as n_end_rows
    from {{ ref('fct_fiscal_grant_summary') }}
    where table_code in ('T01', 'T04')
    group by doc_id, table_code

),

final as (

    select
        ---------- keys
        this_year.doc_id || ':' || this_balances.table_code as continuity_id,
        this_year.doc_id,
        this_year.agency_key,
        this_year.fiscal_year,
        this_balances.table_code,
        prior_year.doc_id as prior_doc_id,

        ---------- amounts (in `unit`: 万元): this year's opening balance against last year's closing one
        '{{ var("money_unit") }}' as unit,
        this_balances.carryover_begin,
        prior_balances.carryover_end as prior_carryover_end,
        this_balances.carryover_begin - prior_balances.carryover_end as difference,
        case
            when this_balances.n_begin_rows <> 1 or prior_balances.n_end_rows <> 1 then 'not_checkable'
            when
                abs(coalesce(this_balances.carryover_begin, 0) - coalesce(prior_balances.carryover_end, 0))
                <= 0.01 then 'pass'
            else 'violation'
        end as continuity_status,

        ---------- provenance
        this_balances.carryover_begin_page,
        prior_balances.carryover_end_page as prior_carryover_end_page

    from documents as this_year
    inner join documents as prior_year
        on
            this_year.agency_key = prior_year.agency_key
            and this_year.fiscal_year = prior_year.fiscal_year + 1
    inner join balances as this_balances on this_year.doc_id = this_balances.doc_id
    inner join balances as prior_balances
        on
            prior_year.doc_id = prior_balances.doc_id
            and this_balances.table_code = prior_balances.table_code

)

select * from final
