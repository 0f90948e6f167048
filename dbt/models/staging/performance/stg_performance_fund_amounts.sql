with

source as (

    select * from {{ source('raw_performance', 'performance_fund_amounts') }}

),

evaluations as (

    select
        doc_id,
        evaluation_index,
        scope as evaluation_scope,
        {{ money_unit_of('unit') }} as money_unit
    from {{ source('raw_performance', 'performance_evaluations') }}

),

renamed as (

    select
        ---------- ids
        source.doc_id || ':PE' || source.evaluation_index || ':F' || source.amount_index as fund_amount_id,
        source.doc_id || ':PE' || source.evaluation_index as evaluation_id,
        case
            when source.line_index is not null
                then source.doc_id || ':PE' || source.evaluation_index || ':B' || source.line_index
        end as budget_line_id,
        source.doc_id,
        source.evaluation_index,
        source.amount_index,
        evaluations.evaluation_scope,

        ---------- what the amount is
        source.line_kind,
        source.subject_code,
        -- brackets full-width, as stg_table_cells.item_name, so names compare as printed
        replace(replace({{ clean_label('source.subject') }}, '(', '（'), ')', '）') as subject_name,
        source.breakdown,
        source.fund_source,
        source.fund_label,
        source.measure,

        ---------- amount (万元) and its printed precision
        evaluations.money_unit,
        {{ to_wan('source.amount', 'evaluations.money_unit') }} as amount,
        source.printed_text,
        source.printed_decimals,
        -- half a unit of the last printed digit, in 万元 ("122020.6" -> 0.05)
        {{ to_wan('cast(0.5 / pow(10, source.printed_decimals) as decimal(18, 6))', 'evaluations.money_unit') }}
            as rounding_half_unit,

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
