-- One row per agency × fiscal year: the 部门决算 document that speaks for it. When several
-- documents hold the same agency-year (the same disclosure as text and PDF, a re-issue), the
-- declared rule picks one: a document marked as a revision (更正, 修订 ...) first, then the
-- latest printed date of issue, then the best extracted (ok before partial, most cells), then
-- the latest extraction. int_agency_year_revisions records where the others' figures differ.
with

documents as (

    select
        *,
        {{ agency_key('agency_name') }} as agency_key
    from {{ ref('stg_documents') }}
    where
        doc_kind = 'final_accounts'
        and agency_name is not null
        and fiscal_year is not null
        and extraction_status <> 'failed'

),

cell_counts as (

    select
        doc_id,
        sum(n_cells) as n_cells
    from {{ ref('stg_document_tables') }}
    group by doc_id

),

ranked as (

    select
        documents.agency_key,
        documents.fiscal_year,
        documents.doc_id,
        row_number() over (
            partition by documents.agency_key, documents.fiscal_year
            order by
                (documents.revision_mark is not null) desc,
                documents.publication_date desc nulls last,
                (documents.extraction_status = 'ok') desc,
                coalesce(cell_counts.n_cells, 0) desc,
                documents.extracted_at desc,
                documents.doc_id asc
        ) as document_rank,
        count(*) over (partition by documents.agency_key, documents.fiscal_year) as n_candidate_documents
    from documents
    left join cell_counts on documents.doc_id = cell_counts.doc_id

),

final as (

    select
        agency_key,
        fiscal_year,
        doc_id,
        n_candidate_documents
    from ranked
    where document_rank = 1

)

select * from final
