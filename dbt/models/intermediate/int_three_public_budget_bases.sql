-- One row per document printing a "三公" table of the final accounts (T09): what the document says
-- its 预算数 is — the 年初预算 (initial: the budget document's figure) or the full-year budget,
-- adjusted during the year (full_year) — by the phrases of seed stated_budget_bases found in the
-- printed header of the T09 预算数 column or in a sentence naming 三公 (the note under the table,
-- the 情况说明). Both stated: conflicting; neither: unstated. Only initial is compared with the
-- budget document (mart_budget_vs_final).
with

bases as (

    select * from {{ ref('stated_budget_bases') }}

),

three_public_tables as (

    select distinct doc_id
    from {{ ref('stg_document_tables') }}
    where table_code = 'T09'

),

phrases as (

    select
        doc_id,
        0 as phrase_order,
        column_label as phrase,
        min(source_line) as source_line,
        min(page) as page
    from {{ ref('stg_table_cells') }}
    where table_code = 'T09' and column_key = 'budget' and column_label is not null
    group by doc_id, column_label

    union all

    select
        doc_id,
        1 + sentence_index as phrase_order,
        sentence as phrase,
        source_line,
        page
    from {{ ref('stg_narrative_sentences') }}
    where sentence like '%三公%'

),

matched as (

    select
        phrases.*,
        bases.basis
    from phrases
    inner join bases on regexp_matches(phrases.phrase, bases.pattern)

),

final as (

    select
        three_public_tables.doc_id,
        case count(distinct matched.basis)
            when 0 then 'unstated'
            when 1 then any_value(matched.basis)
            else 'conflicting'
        end as budget_basis,
        count(matched.phrase) as n_phrases,
        arg_min(matched.phrase, matched.phrase_order) as basis_phrase,
        arg_min(matched.source_line, matched.phrase_order) as basis_source_line,
        arg_min(matched.page, matched.phrase_order) as basis_page
    from three_public_tables
    left join matched on three_public_tables.doc_id = matched.doc_id
    group by three_public_tables.doc_id

)

select * from final
