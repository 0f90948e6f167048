with

agencies as (

    select * from {{ ref('int_agencies_parsed') }}

),

final as (

    select
        ---------- keys
        agency_key,
        agency_name,

        ---------- place
        admin_level,
        province,
        city,
        county,
        district,
        development_zone,
        is_municipality,

        ---------- coverage
        n_documents,
        n_printed_names,
        first_fiscal_year,
        last_fiscal_year

    from agencies

)

select * from final
