-- Budget against final accounts: one row per agency × fiscal year × line (a 功能分类 subject, or
-- the 合计 as line 'total'), for the agency-years the warehouse holds both a 部门预算 and a 部门决算
-- of (int_agency_year_budget_documents, int_agency_year_documents: the same agency_key and year).
-- Per fund scope (seed fund_scope_tables), the budget document's 年初预算 beside the final
-- accounts' 决算 and the execution rate; on the total line the "三公" budget (B09 合计) beside the
-- 预算数 the final accounts print for it (T09) and what they say that 预算数 is.
with

pairs as (

    select
        finals.agency_key,
        finals.fiscal_year,
        finals.doc_id as final_doc_id,
        budgets.doc_id as budget_doc_id
    from {{ ref('int_agency_year_documents') }} as finals
    inner join {{ ref('int_agency_year_budget_documents') }} as budgets
        on
            finals.agency_key = budgets.agency_key
            and finals.fiscal_year = budgets.fiscal_year

),

lines as (

    select * from {{ ref('int_fund_scope_lines') }}

),

paired_lines as (

    select
        pairs.agency_key,
        pairs.fiscal_year,
        'budget' as doc_family,
        lines.fund_scope,
        lines.line_key,
        lines.table_code,
        lines.amount,
        lines.row_ids
    from pairs
    inner join lines on pairs.budget_doc_id = lines.doc_id

    union all

    select
        pairs.agency_key,
        pairs.fiscal_year,
        'final' as doc_family,
        lines.fund_scope,
        lines.line_key,
        lines.table_code,
        lines.amount,
        lines.row_ids
    from pairs
    inner join lines on pairs.final_doc_id = lines.doc_id

),

line_amounts as (

    select
        agency_key,
        fiscal_year,
        line_key,
        max(amount) filter (where doc_family = 'budget' and fund_scope = 'all_funds') as budget_all_funds,
        max(amount) filter (where doc_family = 'final' and fund_scope = 'all_funds') as final_all_funds,
        max(amount) filter (where doc_family = 'budget' and fund_scope = 'general_budget') as budget_general_budget,
        max(amount) filter (where doc_family = 'final' and fund_scope = 'general_budget') as final_general_budget,
        max(amount) filter (where doc_family = 'budget' and fund_scope = 'fiscal_grant') as budget_fiscal_grant,
        max(amount) filter (where doc_family = 'final' and fund_scope = 'fiscal_grant') as final_fiscal_grant,
        string_agg(row_ids, ',' order by table_code, row_ids) filter (where doc_family = 'budget') as budget_row_ids,
        string_agg(row_ids, ',' order by table_code, row_ids) filter (where doc_family = 'final') as final_row_ids
    from paired_lines
    group by agency_key, fiscal_year, line_key

),

scope_tables as (

    -- the tables each scope is read from in the agency-year, e.g. 'B10 vs T05'
    select
        agency_key,
        fiscal_year,
        nullif(
            coalesce(max(table_code) filter (where doc_family = 'budget' and fund_scope = 'all_funds'), '-')
            || ' vs '
            || coalesce(max(table_code) filter (where doc_family = 'final' and fund_scope = 'all_funds'), '-'),
            '- vs -'
        ) as all_funds_tables,
        nullif(
            coalesce(max(table_code) filter (where doc_family = 'budget' and fund_scope = 'general_budget'), '-')
            || ' vs '
            || coalesce(max(table_code) filter (where doc_family = 'final' and fund_scope = 'general_budget'), '-'),
            '- vs -'
        ) as general_budget_tables,
        nullif(
            coalesce(max(table_code) filter (where doc_family = 'budget' and fund_scope = 'fiscal_grant'), '-')
            || ' vs '
            || coalesce(max(table_code) filter (where doc_family = 'final' and fund_scope = 'fiscal_grant'), '-'),
            '- vs -'
        ) as fiscal_grant_tables
    from paired_lines
    group by agency_key, fiscal_year

),

three_public as (

    select
        pairs.agency_key,
        pairs.fiscal_year,
        budgets.budget as budget_three_public,
        finals.budget as final_stated_three_public_budget,
        finals.final as final_three_public,
        case when finals.doc_id is not null then coalesce(bases.budget_basis, 'unstated') end
            as three_public_budget_basis,
        bases.basis_phrase as three_public_basis_phrase,
        budgets.page as budget_three_public_page,
        finals.page as final_three_public_page
    from pairs
    left join {{ ref('fct_budget_three_public') }} as budgets
        on pairs.budget_doc_id = budgets.doc_id and budgets.cost_item = 'total'
    left join {{ ref('fct_three_public_costs') }} as finals
        on pairs.final_doc_id = finals.doc_id and finals.cost_item = 'total'
    left join {{ ref('int_three_public_budget_bases') }} as bases
        on pairs.final_doc_id = bases.doc_id

),

line_keys as (

    -- every printed line, and the total line of every agency-year (it carries the 三公 figures)
    select
        agency_key,
        fiscal_year,
        line_key
    from line_amounts

    union

    select
        agency_key,
        fiscal_year,
        'total' as line_key
    from pairs

),

compared as (

    select
        pairs.*,
        line_keys.line_key,
        line_amounts.budget_all_funds,
        line_amounts.final_all_funds,
        line_amounts.budget_general_budget,
        line_amounts.final_general_budget,
        line_amounts.budget_fiscal_grant,
        line_amounts.final_fiscal_grant,
        line_amounts.budget_row_ids,
        line_amounts.final_row_ids,
        three_public.budget_three_public,
        three_public.final_stated_three_public_budget,
        three_public.final_three_public,
        three_public.three_public_budget_basis,
        three_public.three_public_basis_phrase,
        three_public.budget_three_public_page,
        three_public.final_three_public_page
    from pairs
    inner join line_keys
        on
            pairs.agency_key = line_keys.agency_key
            and pairs.fiscal_year = line_keys.fiscal_year
    left join line_amounts
        on
            line_keys.agency_key = line_amounts.agency_key
            and line_keys.fiscal_year = line_amounts.fiscal_year
            and line_keys.line_key = line_amounts.line_key
    left join three_public
        on
            line_keys.agency_key = three_public.agency_key
            and line_keys.fiscal_year = three_public.fiscal_year
            and line_keys.line_key = 'total'

),

final as (

    select
        ---------- keys
        compared.agency_key || ':' || compared.fiscal_year || ':' || compared.line_key as budget_vs_final_id,
        compared.agency_key,
        compared.fiscal_year,
        compared.line_key,
        nullif(compared.line_key, 'total') as subject_code,
        compared.final_doc_id as doc_id,
        compared.budget_doc_id,

        ---------- agency and subject
        agencies.agency_name,
        case when compared.line_key = 'total' then 'total' else 'subject' end as line_kind,
        subjects.subject_level,
        subjects.level_name,
        subjects.subject_name,
        subjects.class_code,
        classes.subject_name as class_name,

        ---------- 年初预算 (budget document) against 决算 (final accounts), in `unit`: 万元
        '{{ var("money_unit") }}' as unit,
        compared.budget_all_funds,
        compared.final_all_funds,
        {{ safe_percent('compared.final_all_funds', 'compared.budget_all_funds') }}
            as all_funds_execution_pct,
        compared.budget_general_budget,
        compared.final_general_budget,
        {{ safe_percent('compared.final_general_budget', 'compared.budget_general_budget') }}
            as general_budget_execution_pct,
        compared.budget_fiscal_grant,
        compared.final_fiscal_grant,
        {{ safe_percent('compared.final_fiscal_grant', 'compared.budget_fiscal_grant') }}
            as fiscal_grant_execution_pct,

        ---------- "三公" (total line): the budget document's 合计, the final accounts' 预算数 and 决算数
        compared.budget_three_public,
        compared.final_stated_three_public_budget,
        compared.three_public_budget_basis,
        compared.final_stated_three_public_budget - compared.budget_three_public as three_public_budget_difference,
        case
            when compared.line_key <> 'total' then null
            when compared.budget_three_public is null and compared.final_stated_three_public_budget is null
                then null
            when compared.budget_three_public is null or compared.final_stated_three_public_budget is null
                then 'not_checkable'
            when compared.three_public_budget_basis <> 'initial' then 'not_applicable'
            when abs(compared.final_stated_three_public_budget - compared.budget_three_public) <= 0.01 then 'pass'
            else 'violation'
        end as three_public_budget_status,
        compared.final_three_public,
        {{ safe_percent('compared.final_three_public', 'compared.budget_three_public') }}
            as three_public_execution_pct,

        ---------- provenance
        scope_tables.all_funds_tables,
        scope_tables.general_budget_tables,
        scope_tables.fiscal_grant_tables,
        compared.budget_row_ids,
        compared.final_row_ids,
        compared.three_public_basis_phrase,
        compared.budget_three_public_page,
        compared.final_three_public_page

    from compared
    left join scope_tables
        on
            compared.agency_key = scope_tables.agency_key
            and compared.fiscal_year = scope_tables.fiscal_year
    left join {{ ref('dim_agency') }} as agencies on compared.agency_key = agencies.agency_key
    left join {{ ref('dim_functional_subject') }} as subjects
        on nullif(compared.line_key, 'total') = subjects.subject_code
    left join {{ ref('dim_functional_subject') }} as classes on subjects.class_code = classes.subject_code
    where
        compared.line_key = 'total'
        or compared.budget_all_funds is not null
        or compared.final_all_funds is not null
        or compared.budget_general_budget is not null
        or compared.final_general_budget is not null
        or compared.budget_fiscal_grant is not null
        or compared.final_fiscal_grant is not null

)

select * from final
