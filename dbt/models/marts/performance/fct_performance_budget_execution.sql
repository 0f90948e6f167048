-- One row per document × 绩效自评表 × budget line, with the checks 执行率 = 执行数 / 预算数 and
-- 得分 ≤ 分值. The rate tolerance covers the rounding of the printed amounts (±0.005 each),
-- of the printed rate (±0.005, or ±0.5 when the rate is a whole number such as "100%"), and a rate
-- printed truncated (up to 0.01, or 1 for a whole number, below the computed rate).
with

lines as (

    select * from {{ ref('stg_performance_budget_lines') }}

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

computed as (

    select
        lines.*,
        coalesce(lines.full_year_budget, lines.initial_budget) as rate_base,
        cast(lines.executed as double)
        / nullif(cast(coalesce(lines.full_year_budget, lines.initial_budget) as double), 0)
        * 100 as computed_rate
    from lines

),

toleranced as (

    select
        computed.*,
        100 * (
            0.005 / cast(computed.rate_base as double)
            + cast(computed.executed as double) * 0.005 / pow(cast(computed.rate_base as double), 2)
        )
        -- the printed rate: rounded (half a unit of its last digit either way) or truncated (up to
        -- one unit below: 99.99% for 99.9994%, not to show 100% before everything is spent)
        + case when computed.execution_rate_printed = round(computed.execution_rate_printed) then 1 else 0.01 end
        * case when computed.execution_rate_printed <= computed.computed_rate then 1 else 0.5 end
            as rate_tolerance
    from computed
    where computed.rate_base is not null and computed.rate_base <> 0

),

final as (

    select
        ---------- keys
        computed.budget_line_id,
        computed.evaluation_id,
        computed.doc_id,
        evaluations.agency_key,
        evaluations.fiscal_year,

        ---------- evaluation
        evaluations.evaluation_scope,
        evaluations.project_name,

        ---------- line
        computed.line_index,
        computed.line_label,
        computed.line_kind,

        ---------- amounts (万元)
        computed.initial_declared,
        computed.initial_budget,
        computed.full_year_budget,
        computed.executed,
        computed.balance,

        ---------- rate and score
        computed.execution_rate_printed,
        cast(round(computed.computed_rate, 4) as decimal(12, 4)) as execution_rate_computed,
        cast(round(toleranced.rate_tolerance, 4) as decimal(12, 4)) as execution_rate_tolerance,
        case
            when computed.execution_rate_printed is null or computed.computed_rate is null then 'not_checkable'
            when
                abs(cast(computed.execution_rate_printed as double) - computed.computed_rate)
                <= toleranced.rate_tolerance then 'pass'
            else 'violation'
        end as execution_rate_status,
        computed.weight,
        computed.score,
        case
            when computed.weight is null or computed.score is null then 'not_checkable'
            when computed.score <= computed.weight then 'pass'
            else 'violation'
        end as score_within_weight_status,

        ---------- provenance
        computed.raw_text,
        computed.source_line,
        computed.page

    from computed
    left join toleranced on computed.budget_line_id = toleranced.budget_line_id
    left join evaluations on computed.evaluation_id = evaluations.evaluation_id

)

select * from final
