with

source as (

    select * from {{ source('raw_performance', 'performance_budget_lines') }}

),

evaluations as (

    select
        doc_id,
        evaluation_index,
        {{ money_unit_of('unit') }} as money_unit
    from {{ source('raw_performance', 'performance_evaluations') }}

),

renamed as (

    select
        ---------- ids
        source.doc_id || ':PE' || source.evaluation_index || ':B' || source.line_index as budget_line_id,
        source.doc_id || ':PE' || source.evaluation_index as evaluation_id,
        source.doc_id,
        source.evaluation_index,
        source.line_index,

        ---------- line
        {{ clean_label('source.line_label') }} as line_label,
        source.line_kind,
        evaluations.money_unit,

        ---------- amounts (万元)
        {{ to_wan('source.initial_declared', 'evaluations.money_unit') }} as initial_declared,
        {{ to_wan('source.initial_budget', 'evaluations.money_unit') }} as initial_budget,
        {{ to_wan('source.full_year_budget', 'evaluations.money_unit') }} as full_year_budget,
        {{ to_wan('source.executed', 'evaluations.money_unit') }} as executed,
        {{ to_wan('source.balance', 'evaluations.money_unit') }} as balance,

        ---------- rate and score as printed
        source.execution_rate as execution_rate_printed,
        source.weight,
        source.score,

        ---------- provenance
        source.raw_text,
        source.source_line,
        source.page

    from source
    left join evaluations
        on
            source.doc_id = evaluations.doc_id
            and source.evaluation_index = evaluations.evaluation_index

)

select * from renamed
