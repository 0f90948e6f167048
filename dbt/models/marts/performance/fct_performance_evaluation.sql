-- One row per document × 绩效自评表, with the two score identities the table itself states:
-- 总分 = 预算执行得分 + Σ 指标得分, and (when the total weight is printed) 100 = Σ 分值.
with

evaluations as (

    select * from {{ ref('stg_performance_evaluations') }}

),

documents as (

    select
        doc_id,
        agency_key,
        fiscal_year
    from {{ ref('dim_document') }}

),

indicator_sums as (

    select
        evaluation_id,
        count(*) as n_indicator_rows,
        count(score) as n_indicator_scores,
        count(weight) as n_indicator_weights,
        sum(score) as indicator_score_sum,
        sum(weight) as indicator_weight_sum,
        count(*) filter (where score > weight) as n_scores_above_weight
    from {{ ref('stg_performance_indicators') }}
    group by evaluation_id

),

budget_lines as (

    select
        evaluation_id,
        -- the 金额合计 row's weight when per-subject lines are weighted, else the first weight
        coalesce(
            arg_min(weight, line_index) filter (where weight is not null and line_kind = 'total'),
            arg_min(weight, line_index) filter (where weight is not null)
        ) as budget_weight
    from {{ ref('stg_performance_budget_lines') }}
    group by evaluation_id

),

scored as (

    select
        evaluations.*,
        documents.agency_key,
        coalesce(evaluations.fiscal_year, documents.fiscal_year) as evaluation_year,
        coalesce(indicator_sums.n_indicator_rows, 0) as n_indicator_rows,
        coalesce(indicator_sums.n_scores_above_weight, 0) as n_scores_above_weight,
        indicator_sums.indicator_score_sum,
        indicator_sums.indicator_weight_sum,
        budget_lines.budget_weight,
        coalesce(evaluations.budget_score, 0) + indicator_sums.indicator_score_sum as computed_total_score,
        budget_lines.budget_weight + indicator_sums.indicator_weight_sum as computed_total_weight,
        (
            evaluations.total_score is not null
            and indicator_sums.n_indicator_rows > 0
            and indicator_sums.n_indicator_scores = indicator_sums.n_indicator_rows
            and (evaluations.n_budget_lines = 0 or evaluations.budget_score is not null)
        ) as total_checkable,
        (
            evaluations.total_weight is not null
            and indicator_sums.n_indicator_weights = indicator_sums.n_indicator_rows
            and budget_lines.budget_weight is not null
        ) as weight_checkable
    from evaluations
    left join documents on evaluations.doc_id = documents.doc_id
    left join indicator_sums on evaluations.evaluation_id = indicator_sums.evaluation_id
    left join budget_lines on evaluations.evaluation_id = budget_lines.evaluation_id

),

final as (

    select
        ---------- keys
        evaluation_id,
        doc_id,
        agency_key,
        evaluation_year as fiscal_year,

        ---------- evaluation
        evaluation_scope,
        title,
        project_name,
        agency_name_printed,
        grade,
        layout,

        ---------- scores as printed
        total_weight,
        total_score,
        budget_weight,
        budget_score,
        indicator_weight_sum,
        indicator_score_sum,
        n_budget_lines,
        n_indicator_rows,
        n_scores_above_weight,

        ---------- checks
        computed_total_score,
        case
            when not total_checkable then 'not_checkable'
            when abs(total_score - computed_total_score) <= 0.01 then 'pass'
            else 'violation'
        end as total_score_status,
        computed_total_weight,
        case
            when not weight_checkable then 'not_checkable'
            when total_weight = computed_total_weight then 'pass'
            else 'violation'
        end as total_weight_status,

        ---------- provenance
        total_raw_text,
        total_source_line,
        source_line,
        page

    from scored

)

select * from final
