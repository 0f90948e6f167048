with

documents as (

    select * from {{ ref('stg_documents') }}
    where fiscal_year is not null

),

final as (

    select
        fiscal_year,
        fiscal_year::varchar || '年度' as fiscal_year_label,
        make_date(fiscal_year, 1, 1) as year_start_date,
        make_date(fiscal_year, 12, 31) as year_end_date,
        count(distinct doc_id) as n_documents,
        count(distinct agency_name) as n_agencies
    from documents
    group by fiscal_year

)

select * from final
