-- One row per agency × fiscal year × 功能分类 subject printed in its 支出决算表 (T03) or
-- 一般公共预算财政拨款支出决算表 (T05): what the agency spent on the subject (万元), with the
-- subject's 类/款 ancestry, so spending can be compared across agencies and years.
with

agency_years as (

    select * from {{ ref('int_agency_year_documents') }}

),

agencies as (

    select * from {{ ref('dim_agency') }}

),

subjects as (

    select * from {{ ref('dim_functional_subject') }}

),

expenditure as (

    select *
    from {{ ref('fct_expenditure_by_subject') }}
    where subject_code is not null
    qualify row_number() over (partition by doc_id, subject_code order by row_index) = 1

),

general_budget as (

    select *
    from {{ ref('fct_general_budget_expenditure') }}
    where subject_code is not null
    qualify row_number() over (partition by doc_id, subject_code order by row_index) = 1

),

subject_rows as (

    select
        coalesce(expenditure.doc_id, general_budget.doc_id) as doc_id,
        coalesce(expenditure.subject_code, general_budget.subject_code) as subject_code,
        coalesce(expenditure.subject_name_printed, general_budget.subject_name_printed) as subject_name_printed,
        expenditure.total,
        expenditure.basic,
        expenditure.project,
        expenditure.remit_superior,
        expenditure.operating,
        expenditure.affiliate_subsidy,
        general_budget.total as general_budget_total,
        general_budget.basic as general_budget_basic,
        general_budget.project as general_budget_project,
        expenditure.row_id as expenditure_row_id,
        general_budget.row_id as general_budget_row_id
    from expenditure
    full outer join general_budget
        on
            expenditure.doc_id = general_budget.doc_id
            and expenditure.subject_code = general_budget.subject_code

),

agency_totals as (

    select
        doc_id,
        max(total) filter (where row_kind = 'total') as agency_total_expenditure
    from {{ ref('fct_expenditure_by_subject') }}
    group by doc_id

),

final as (

    select
        ---------- keys
        agency_years.doc_id || ':' || subject_rows.subject_code as subject_spending_id,
        agency_years.agency_key,
        agency_years.fiscal_year,
        subject_rows.subject_code,
        agency_years.doc_id,

        ---------- agency
        agencies.agency_name,
        agencies.admin_level,
        agencies.province,
        agencies.city,
        agencies.county,
        agencies.district,

        ---------- subject
        subjects.subject_level,
        subjects.level_name,
        subjects.subject_name,
        subject_rows.subject_name_printed,
        subjects.class_code,
        classes.subject_name as class_name,
        subjects.subclass_code,
        subclasses.subject_name as subclass_name,

        ---------- amounts (in `unit`: 万元)
        '{{ var("money_unit") }}' as unit,
        subject_rows.total,
        subject_rows.basic,
        subject_rows.project,
        subject_rows.remit_superior,
        subject_rows.operating,
        subject_rows.affiliate_subsidy,
        subject_rows.general_budget_total,
        subject_rows.general_budget_basic,
        subject_rows.general_budget_project,
        agency_totals.agency_total_expenditure,
        {{ safe_percent('subject_rows.total', 'agency_totals.agency_total_expenditure') }} as share_of_agency_total_pct,

        ---------- provenance
        subject_rows.expenditure_row_id,
        subject_rows.general_budget_row_id

    from agency_years
    inner join subject_rows on agency_years.doc_id = subject_rows.doc_id
    left join agencies on agency_years.agency_key = agencies.agency_key
    left join subjects on subject_rows.subject_code = subjects.subject_code
    left join subjects as classes on subjects.class_code = classes.subject_code
    left join subjects as subclasses on subjects.subclass_code = subclasses.subject_code
    left join agency_totals on agency_years.doc_id = agency_totals.doc_id

)

select * from final
