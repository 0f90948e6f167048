with

documents as (

    select * from {{ ref('stg_documents') }}

),

document_tables as (

    select
        doc_id,
        count(*) as n_tables_located,
        count(*) filter (where table_status = 'ok') as n_tables_ok,
        count(*) filter (where table_status = 'empty') as n_tables_empty,
        count(*) filter (where table_status = 'partial') as n_tables_partial,
        count(*) filter (where table_status = 'suspect') as n_tables_suspect,
        coalesce(sum(n_cells), 0) as n_cells,
        string_agg(table_code, ',' order by table_code) as table_codes
    from {{ ref('stg_document_tables') }}
    group by doc_id

),

issues as (

    select
        doc_id,
        count(*) filter (where severity = 'error') as n_issue_errors,
        count(*) filter (where severity = 'warning') as n_issue_warnings
    from {{ ref('stg_extraction_issues') }}
    group by doc_id

),

final as (

    select
        ---------- keys
        documents.doc_id,
        {{ agency_key('documents.agency_name') }} as agency_key,
        documents.fiscal_year,

        ---------- document
        documents.agency_name,
        documents.agency_name_printed,
        documents.doc_kind,
        documents.template_variant,
        documents.is_consolidated,
        documents.file_name,
        documents.file_path,
        documents.file_type,
        documents.n_pages,
        documents.unit_printed,
        documents.money_unit,

        ---------- extraction
        documents.extraction_status,
        documents.extraction_error,
        coalesce(document_tables.n_tables_located, 0) as n_tables_located,
        coalesce(document_tables.n_tables_ok, 0) as n_tables_ok,
        coalesce(document_tables.n_tables_empty, 0) as n_tables_empty,
        coalesce(document_tables.n_tables_partial, 0) as n_tables_partial,
        coalesce(document_tables.n_tables_suspect, 0) as n_tables_suspect,
        document_tables.table_codes,
        coalesce(document_tables.n_cells, 0) as n_cells,
        coalesce(issues.n_issue_errors, 0) as n_issue_errors,
        coalesce(issues.n_issue_warnings, 0) as n_issue_warnings,
        documents.extractor_version,
        documents.extracted_at

    from documents
    left join document_tables on documents.doc_id = document_tables.doc_id
    left join issues on documents.doc_id = issues.doc_id

)

select * from final
