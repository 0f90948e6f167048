with

source as (

    select * from {{ source('raw_performance', 'performance_indicators') }}

),

renamed as (

    select
        ---------- ids
        doc_id || ':PE' || evaluation_index || ':I' || indicator_index as indicator_id,
        doc_id || ':PE' || evaluation_index as evaluation_id,
        doc_id,
        evaluation_index,
        indicator_index,

        ---------- indicator
        level1 as indicator_level1,
        level1_weight as indicator_level1_weight,
        level2 as indicator_level2,
        level3 as indicator_level3,
        target_value,
        adjusted_target_value,
        actual_value,

        ---------- scoring as printed
        weight,
        score,
        deviation_reason,

        ---------- provenance
        raw_text,
        source_line,
        page

    from source

)

select * from renamed
