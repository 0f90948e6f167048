-- One row per agency × fiscal year × other document × key figure, for agency-years held by
-- several 部门决算 documents (a re-issue, a correction, the same disclosure as text and PDF):
-- the other document's 收入支出决算总表 (T01) figure beside the chosen document's, so a revision
-- that changed the figures is a recorded finding rather than a silent choice.
with

chosen as (

    select * from {{ ref('int_agency_year_candidates') }}
    where document_rank = 1 and n_candidate_documents > 1

),

others as (

    select * from {{ ref('int_agency_year_candidates') }}
    where document_rank > 1

),

key_figures as (

    select
        doc_id,
        row_key || ':' || column_key as figure,
        max(value_wan) as amount
    from {{ ref('stg_table_cells') }}
    where
        table_code = 'T01'
        and row_key in ('income_total', 'expenditure_total', 'grand_total')
    group by doc_id, row_key, column_key

),

final as (

    select
        ---------- keys
        chosen.agency_key,
        chosen.fiscal_year,
        chosen.doc_id as chosen_doc_id,
        other.doc_id as other_doc_id,
        figures.figure,

        ---------- the other document
        other.file_name as other_file_name,
        other.revision_mark as other_revision_mark,
        other.publication_date as other_publication_date,

        ---------- amounts (万元)
        figures.amount as chosen_amount,
        other_figures.amount as other_amount,
        (figures.amount is distinct from other_figures.amount) as figures_differ

    from chosen
    inner join others as other
        on
            chosen.agency_key = other.agency_key
            and chosen.fiscal_year = other.fiscal_year
            and chosen.doc_kind = other.doc_kind
    inner join key_figures as figures on chosen.doc_id = figures.doc_id
    left join key_figures as other_figures
        on
            other.doc_id = other_figures.doc_id
            and figures.figure = other_figures.figure

)

select * from final
