-- One row per document × 绩效自评表 × indicator row, with the check 得分 ≤ 分值.
with

indicators as (

    select * from {{ ref('stg_performance_indicators') }}

),

evaluations as (

    select
        evaluation_id,
        agency_key,
        fiscal_year,
        evaluation_scope,
        project_name
    from {{ ref('fct_performance_evaluation') }}

),

final as (

    select
        ---------- keys
        indicators.indicator_id,
        indicators.evaluation_id,
        indicators.doc_id,
        evaluations.agency_key,
        evaluations.fiscal_year,

        ---------- evaluation
        evaluations.evaluation_scope,
        evaluations.project_name,

        ---------- indicator
        indicators.indicator_index,
        indicators.indicator_level1,
        indicators.indicator_level1_weight,
        indicators.indicator_level2,
        indicators.indicator_level3,
        indicators.target_value,
        indicators.adjusted_target_value,
        indicators.actual_value,

        ---------- scoring
        indicators.weight,
        indicators.score,
        case
            when indicators.weight is null or indicators.score is null then 'not_checkable'
            when indicators.score <= indicators.weight then 'pass'
            else 'violation'
        end as score_within_weight_status,
        indicators.deviation_reason,

        ---------- provenance
        indicators.raw_text,
        indicators.source_line,
        indicators.page

    from indicators
    left join evaluations on indicators.evaluation_id = evaluations.evaluation_id

)

select * from final
