with

summary_rows as (

    select * from {{ ref('int_summary_rows') }}

),

final as (

    select
        ---------- keys
        row_id,
        doc_id,
        agency_key,
        fiscal_year,
        subject_code,

        ---------- row
        table_code,
        side,
        section,
        row_key,
        {{ subject_level('subject_code') }} as subject_level,
        line_no,
        item_name,

        ---------- amounts (万元)
        amount,
        general_budget_amount,
        gov_fund_amount,
        state_capital_amount,

        ---------- provenance
        row_index,
        row_label,
        source_line,
        page

    from summary_rows

)

select * from final
