-- One row per agency × fiscal year: the 部门决算 document that speaks for it (rank 1 of the
-- declared rule in int_agency_year_candidates).
with

candidates as (

    select * from {{ ref('int_agency_year_candidates') }}

),

final as (

    select
        agency_key,
        fiscal_year,
        doc_id,
        n_candidate_documents
    from candidates
    where doc_kind = 'final_accounts' and document_rank = 1

)

select * from final
