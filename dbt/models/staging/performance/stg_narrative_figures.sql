with

source as (

    select * from {{ source('raw_performance', 'narrative_figures') }}

),

renamed as (

    select
        ---------- ids
        doc_id || ':NF' || figure_index as figure_id,
        doc_id,
        figure_index,

        ---------- what the figure is
        metric,
        scope as fund_scope,
        subject,
        case
            when unit in ('万元', '元') then 'money'
            when unit = '%' then 'percent'
            when unit = '分' then 'score'
            else 'count'
        end as measure_kind,

        ---------- value
        value as value_printed,
        unit as unit_printed,
        case when unit in ('万元', '元') then {{ to_wan('value', 'unit') }} end as value_wan,
        case when unit not in ('万元', '元') then value end as value_other,
        raw_value,
        -- whole numbers printed without decimals ("100%") were rounded to 1, not to 0.01
        not contains(raw_value, '.') as printed_whole,

        ---------- provenance
        label,
        section,
        sentence,
        source_line,
        page

    from source

)

select * from renamed
