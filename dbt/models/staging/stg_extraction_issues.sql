with

source as (

    select * from {{ source('raw', 'extraction_issues') }}

),

renamed as (

    select
        ---------- ids
        doc_id,
        issue_index,
        doc_id || ':' || issue_index as issue_id,

        ---------- issue
        severity,
        table_code,
        message,
        raw_text,

        ---------- provenance
        source_line,
        page

    from source

)

select * from renamed
