-- One row per agency × fiscal year (the document chosen in int_agency_year_documents): the
-- figures a reader of a 部门决算 looks for first, in 万元, without knowing the template.
{%- set grant_keys = "'general_budget_grant', 'gov_fund_grant', 'state_capital_grant'" %}
{%- set three_public_parts = "'outbound_travel', 'vehicle_total', 'reception'" %}
with

agency_years as (

    select * from {{ ref('int_agency_year_documents') }}

),

agencies as (

    select * from {{ ref('dim_agency') }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

summary as (

    select
        doc_id,
        max(amount) filter (where table_code = 'T01' and side = 'income' and row_key = 'income_total')
            as summary_income_total,
        max(amount) filter (where table_code = 'T01' and side = 'expenditure' and row_key = 'expenditure_total')
            as summary_expenditure_total,
        sum(amount) filter (
            where table_code = 'T01' and side = 'income' and section = 'current_year'
            and row_key in ({{ grant_keys }})
        ) as summary_fiscal_grant_income,
        max(amount) filter (where table_code = 'T01' and side = 'income' and row_key = 'grand_total')
            as grand_total,
        max(amount) filter (where table_code = 'T04' and side = 'expenditure' and row_key = 'expenditure_total')
            as fiscal_grant_expenditure
    from {{ ref('fct_fiscal_grant_summary') }}
    group by doc_id

),

revenue as (

    select
        doc_id,
        coalesce(
            max(total) filter (where row_kind = 'total'),
            sum(total) filter (where subject_level = 1)
        ) as revenue_total,
        coalesce(
            max(fiscal_grant) filter (where row_kind = 'total'),
            sum(fiscal_grant) filter (where subject_level = 1)
        ) as revenue_fiscal_grant
    from {{ ref('fct_revenue_by_subject') }}
    group by doc_id

),

expenditure as (

    select
        doc_id,
        coalesce(
            max(total) filter (where row_kind = 'total'),
            sum(total) filter (where subject_level = 1)
        ) as expenditure_total,
        coalesce(
            max(basic) filter (where row_kind = 'total'),
            sum(basic) filter (where subject_level = 1)
        ) as basic_expenditure,
        coalesce(
            max(project) filter (where row_kind = 'total'),
            sum(project) filter (where subject_level = 1)
        ) as project_expenditure
    from {{ ref('fct_expenditure_by_subject') }}
    group by doc_id

),

general_budget as (

    select
        doc_id,
        coalesce(
            max(total) filter (where row_kind = 'total'),
            sum(total) filter (where subject_level = 1)
        ) as general_budget_expenditure
    from {{ ref('fct_general_budget_expenditure') }}
    group by doc_id

),

basic_detail as (

    select
        doc_id,
        max(amount) filter (where row_key = 'personnel_total') as personnel_expenditure,
        max(amount) filter (where row_key = 'public_total') as public_expenditure
    from {{ ref('fct_basic_expenditure_by_economic_subject') }}
    group by doc_id

),

three_public as (

    select
        doc_id,
        coalesce(
            max(budget) filter (where cost_item = 'total'),
            sum(budget) filter (where cost_item in ({{ three_public_parts }}))
        ) as three_public_budget,
        coalesce(
            max(final) filter (where cost_item = 'total'),
            sum(final) filter (where cost_item in ({{ three_public_parts }}))
        ) as three_public_final
    from {{ ref('fct_three_public_costs') }}
    group by doc_id

),

three_public_tables as (

    select
        doc_id,
        table_status as three_public_table_status
    from {{ ref('stg_document_tables') }}
    where table_code = 'T09'

),

joined as (

    select
        ---------- keys
        agency_years.agency_key,
        agency_years.fiscal_year,
        agency_years.doc_id,

        ---------- agency
        agencies.agency_name,
        agencies.admin_level,
        agencies.province,
        agencies.city,
        agencies.county,
        agencies.district,

        ---------- totals (in `unit`: 万元)
        '{{ var("money_unit") }}' as unit,
        coalesce(summary.summary_income_total, revenue.revenue_total) as total_income,
        coalesce(expenditure.expenditure_total, summary.summary_expenditure_total) as total_expenditure,
        summary.grand_total,

        ---------- basic vs project (万元)
        expenditure.basic_expenditure,
        expenditure.project_expenditure,
        basic_detail.personnel_expenditure,
        basic_detail.public_expenditure,

        ---------- fiscal grants (万元)
        coalesce(revenue.revenue_fiscal_grant, summary.summary_fiscal_grant_income) as fiscal_grant_income,
        summary.fiscal_grant_expenditure,
        general_budget.general_budget_expenditure,

        ---------- 三公 (万元)
        three_public.three_public_budget,
        three_public.three_public_final,
        three_public_tables.three_public_table_status,

        ---------- document
        documents.file_name,
        documents.file_type,
        documents.money_unit as unit_printed,
        documents.extraction_status,
        agency_years.n_candidate_documents

    from agency_years
    left join agencies on agency_years.agency_key = agencies.agency_key
    left join documents on agency_years.doc_id = documents.doc_id
    left join summary on agency_years.doc_id = summary.doc_id
    left join revenue on agency_years.doc_id = revenue.doc_id
    left join expenditure on agency_years.doc_id = expenditure.doc_id
    left join general_budget on agency_years.doc_id = general_budget.doc_id
    left join basic_detail on agency_years.doc_id = basic_detail.doc_id
    left join three_public on agency_years.doc_id = three_public.doc_id
    left join three_public_tables on agency_years.doc_id = three_public_tables.doc_id

),

final as (

    select
        *,
        {{ safe_percent('basic_expenditure', 'total_expenditure') }} as basic_share_pct,
        {{ safe_percent('project_expenditure', 'total_expenditure') }} as project_share_pct,
        {{ safe_percent('fiscal_grant_income', 'total_income') }} as fiscal_grant_share_pct,
        {{ safe_percent('three_public_final', 'three_public_budget') }} as three_public_execution_rate_pct
    from joined

)

select * from final
