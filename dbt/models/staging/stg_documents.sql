with

source as (

    select * from {{ source('raw', 'documents') }}

),

aliases as (

    select * from {{ ref('agency_aliases') }}

),

renamed as (

    select
        ---------- ids
        source.doc_id,

        ---------- file
        source.file_name,
        source.file_path,
        source.file_type,
        source.n_pages,

        ---------- what the document is
        -- normalised, and a renamed agency keeps one key across years (seed agency_aliases)
        coalesce(aliases.canonical_name, {{ normalise_agency_name('source.agency_name') }}) as agency_name,
        source.agency_name as agency_name_printed,
        source.fiscal_year,
        source.doc_kind,
        source.template_variant,
        coalesce(source.is_consolidated, false) as is_consolidated,
        source.revision_mark,
        source.publication_date,
        source.unit as unit_printed,
        {{ money_unit_of('source.unit') }} as money_unit,

        ---------- extraction
        source.status as extraction_status,
        source.error as extraction_error,
        source.extractor_version,
        source.extracted_at

    from source
    left join aliases on {{ normalise_agency_name('source.agency_name') }} = aliases.printed_name

)

select * from renamed
