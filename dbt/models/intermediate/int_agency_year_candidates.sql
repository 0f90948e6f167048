-- One row per 部门决算 or 部门预算 document with an agency and a year, ranked within its
-- agency-year and family (doc_kind) by the declared rule: a document marked as a revision (更正,
-- 修订 ...) first, then the latest printed date of issue, then the best extracted (ok before
-- partial, most cells), then the latest extraction. Rank 1 speaks for the agency-year: the final
-- accounts' in int_agency_year_documents, the budget's in int_agency_year_budget_documents; the
-- other final accounts are compared with it (int_agency_year_revisions).
with

documents as (

    select
        *,
        {{ agency_key('agency_name') }} as agency_key
    from {{ ref('stg_documents') }}
    where
        doc_kind in ('final_accounts', 'budget')
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
        documents.doc_kind,
        documents.doc_id,
        row_number() over (
            partition by documents.agency_key, documents.fiscal_year, documents.doc_kind
            order by
                (documents.revision_mark is not null) desc,
                documents.publication_date desc nulls last,
                (documents.extraction_status = 'ok') desc,
                coalesce(cell_counts.n_cells, 0) desc,
                documents.extracted_at desc,
                documents.doc_id asc
        ) as document_rank,
        count(*) over (
            partition by documents.agency_key, documents.fiscal_year, documents.doc_kind
        ) as n_candidate_documents
    from documents
    left join cell_counts on documents.doc_id = cell_counts.doc_id

),

final as (

    select
        ranked.agency_key,
        ranked.fiscal_year,
        ranked.doc_kind,
        ranked.doc_id,
        ranked.document_rank,
        ranked.n_candidate_documents,
        documents.file_name,
        documents.revision_mark,
        documents.publication_date
    from ranked
    inner join documents on ranked.doc_id = documents.doc_id

)

select * from final
