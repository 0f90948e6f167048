with

source as (

    select * from {{ source('raw', 'document_tables') }}

),

renamed as (

    select
        ---------- ids
        doc_id,
        table_code,
        doc_id || ':' || table_code as document_table_id,

        ---------- table
        {{ clean_label('table_title') }} as table_title,
        status as table_status,
        n_cells,
        note,

        ---------- provenance
        source_line,
        page

    from source

)

select * from renamed
