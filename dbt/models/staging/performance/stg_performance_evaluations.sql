with

source as (

    select * from {{ source('raw_performance', 'performance_evaluations') }}

),

renamed as (

    select
        ---------- ids
        doc_id || ':PE' || evaluation_index as evaluation_id,
        doc_id,
        evaluation_index,

        ---------- what was evaluated
        scope as evaluation_scope,
        title,
        project_name,
        {{ clean_label('agency_name') }} as agency_name_printed,
        fiscal_year,
        {{ money_unit_of('unit') }} as money_unit,
        layout,

        ---------- result as printed
        total_weight,
        total_score,
        grade,
        budget_score,
        n_budget_lines,
        n_indicators,

        ---------- provenance
        raw_text as title_raw_text,
        total_raw_text,
        total_source_line,
        source_line,
        page

    from source

)

select * from renamed
