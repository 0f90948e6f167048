with

source as (

    select * from {{ source('raw', 'documents') }}

),

renamed as (

    select
        ---------- ids
        doc_id,

        ---------- file
        file_name,
        file_path,
        file_type,
        n_pages,

        ---------- what the document is
        {{ normalise_agency_name('agency_name') }} as agency_name,
        agency_name as agency_name_printed,
        fiscal_year,
        doc_kind,
        template_variant,
        coalesce(is_consolidated, false) as is_consolidated,
        revision_mark,
        publication_date,
        unit as unit_printed,
        {{ money_unit_of('unit') }} as money_unit,

        ---------- extraction
        status as extraction_status,
        error as extraction_error,
        extractor_version,
        extracted_at

    from source

)

select * from renamed
