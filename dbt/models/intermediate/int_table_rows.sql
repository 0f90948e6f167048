-- One row per document × standard table × printed (logical) row, with the row's attributes
-- gathered from its cells and the document's agency and year.
with

cells as (

    select * from {{ ref('stg_table_cells') }}

),

documents as (

    select
        doc_id,
        agency_name,
        fiscal_year
    from {{ ref('stg_documents') }}

),

table_rows as (

    select
        row_id,
        doc_id,
        table_code,
        row_index,
        any_value(table_title) as table_title,
        any_value(row_label) as row_label,
        any_value(item_name) as item_name,
        any_value(row_key) as row_key,
        any_value(subject_code) as subject_code,
        any_value(subject_level) as subject_level,
        any_value(line_no) as line_no,
        min(source_line) as source_line,
        min(page) as page,
        count(*) as n_cells,
        count(value_printed) as n_values
    from cells
    group by row_id, doc_id, table_code, row_index

),

final as (

    select
        table_rows.*,
        case
            when table_rows.row_key = 'total' then 'total'
            when table_rows.subject_code is not null then 'subject'
            else 'other'
        end as row_kind,
        {{ agency_key('documents.agency_name') }} as agency_key,
        documents.fiscal_year
    from table_rows
    left join documents on table_rows.doc_id = documents.doc_id

)

select * from final
