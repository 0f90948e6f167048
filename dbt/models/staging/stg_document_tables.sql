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
        variant as template_variant,
        n_cells,
        note,

        ---------- parse quality
        n_rows,
        n_columns,
        n_unreadable,
        n_self_checks,
        n_self_checks_held,

        ---------- provenance
        source_line,
        page

    from source

)

select * from renamed
