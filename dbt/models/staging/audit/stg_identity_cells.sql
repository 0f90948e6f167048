-- One row per identity result × cell involved; table_code is a standard table's code or NULL,
-- the relation a piece of evidence was read from is kept apart (evidence_relation).
with

source as (

    select * from {{ source('audit', 'identity_cells') }}

),

standard_tables as (

    select table_code from {{ source('catalogue', 'tables') }}

),

renamed as (

    select
        ---------- ids
        source.doc_id,
        source.result_id,
        source.cell_index,

        ---------- role in the identity
        source.role,
        source.sign,

        ---------- where
        standard_tables.table_code,
        case when standard_tables.table_code is not null then 'table_cells' else source.table_code end
            as evidence_relation,
        source.row_index,
        source.row_label,
        source.row_key,
        source.subject_code,
        source.line_no,
        source.column_key,

        ---------- value (as printed, the document's unit)
        source.value,
        source.note,

        ---------- provenance
        source.source_line,
        source.page

    from source
    left join standard_tables on source.table_code = standard_tables.table_code

)

select * from renamed
