-- Changes stated in prose against the previous year's document, what only a warehouse holding
-- several years can check: a 情况说明 of year N saying "比上年增加 A 万元" about a figure that
-- fct_narrative_figure ties to a table cell must give A = this year's cell − the same cell of the
-- same agency's year N−1 document. One row per document of year N × money change figure
-- (metric `<figure>_change`, signed) whose figure, as stated last before it, is tied to a cell in
-- year N, where the warehouse holds the agency's year N−1 document (int_agency_year_documents).
-- The prior-year cell is the counterpart fct_narrative_figure gives the same figure (metric, fund
-- scope, subject) there. Not checkable (kept, not judged): this year's stated figure differs from
-- its cell (the change may be of another figure: a university's 收入总计 without 结转), the prior
-- year ties no such figure, or a table is read suspect.
-- What the sentence compares with, declared here: the words naming the previous year (or the
-- year N−1 printed) before the figure, and no budget compared with in its clause ("较年初预算增加").
-- The change of a budget is left out: rarely stated, and its reading is the least sure.
{% set prior_year_words = '上年|去年|上一年|同期' %}
{% set other_basis_words = '(比|较|与|超|低于|高于)(年初|全年|调整后)?(预算|预计)' %}
{% set excluded_figures = '^(three_public_budget|subject_budget.*)$' %}

with

figures as (

    select * from {{ ref('fct_narrative_figure') }}

),

documents as (

    select * from {{ ref('int_agency_year_documents') }}

),

cells as (

    select
        cells.row_id,
        coalesce(cells.value_wan, cells.value_count) as amount,
        cells.source_line,
        cells.page,
        -- half a unit of the last printed digit, in 万元 (a blank cell is exact)
        case
            when coalesce(cells.value_wan, cells.value_count) is null then 0
            else
                0.5 * power(10, -length(regexp_extract(cells.raw_text, '[.](\d+)', 1)))
                * case when cells.unit_printed = '元' then 0.0001 else 1 end
        end as half_unit,
        document_tables.table_status = 'suspect' as in_suspect_table
    from {{ ref('stg_table_cells') }} as cells
    left join {{ ref('stg_document_tables') }} as document_tables
        on cells.doc_id = document_tables.doc_id and cells.table_code = document_tables.table_code

),

-- the cell a tied figure restates: one per document × figure (its counterpart is the same
-- whichever sentence states it); a blank cell stays NULL
tied as (

    select
        doc_id,
        metric,
        fund_scope,
        subject,
        any_value(counterpart_ref) as cell_ref,
        any_value(counterpart_value) as cell_value,
        any_value(counterpart_row_ids) as cell_row_ids
    from figures
    where measure_kind = 'money' and check_status in ('match', 'match_blank', 'mismatch')
    group by doc_id, metric, fund_scope, subject

),

tied_rows as (

    select
        *,
        unnest(string_split(cell_row_ids, ',')) as row_id
    from tied

),

tied_cells as (

    -- where the cell is printed, and its rounding: the cell of the counterpart rows printing the
    -- value, else (a value summed from parts) the rounding of all the rows' cells
    select
        tied.doc_id,
        tied.metric,
        tied.fund_scope,
        tied.subject,
        tied.cell_ref,
        tied.cell_value,
        min(cells.source_line) filter (where cells.amount = tied.cell_value) as cell_line,
        min(cells.page) filter (where cells.amount = tied.cell_value) as cell_page,
        coalesce(
            max(cells.half_unit) filter (where cells.amount = tied.cell_value),
            sum(cells.half_unit) filter (where tied.cell_value is not null),
            0
        ) as cell_half_unit,
        coalesce(bool_or(cells.in_suspect_table), false) as in_suspect_table
    from tied_rows as tied
    left join cells on tied.row_id = cells.row_id
    group by tied.doc_id, tied.metric, tied.fund_scope, tied.subject, tied.cell_ref, tied.cell_value

),

changes as (

    select
        *,
        regexp_replace(metric, '_change$', '') as figure_metric,
        regexp_replace(sentence, '\s', '', 'g') as sentence_flat,
        coalesce(label, '') || regexp_replace(raw_value, '\s', '', 'g') as mention_flat,
        coalesce(fund_scope, '') as scope_key,
        coalesce(subject, '') as subject_key,
        -- half a unit of the last printed digit, in 万元
        0.5 * power(10, -printed_decimals) * case when unit_printed = '元' then 0.0001 else 1 end as half_unit
    from figures
    where measure_kind = 'money' and metric like '%\_change' escape '\'

),

year_on_year as (

    -- the sentence up to the figure names the previous year; the figure's clause compares with no budget
    select *
    from changes
    where
        regexp_matches(
            case
                when strpos(sentence_flat, mention_flat) > 0
                    then left(sentence_flat, strpos(sentence_flat, mention_flat) - 1) || coalesce(label, '')
                else sentence_flat
            end,
            '{{ prior_year_words }}|' || cast(fiscal_year - 1 as varchar) || '年'
        )
        and not regexp_matches(coalesce(label, ''), '{{ other_basis_words }}')
        and not regexp_matches(figure_metric, '{{ excluded_figures }}')

),

stated_figures as (

    select
        doc_id,
        figure_index,
        metric,
        coalesce(fund_scope, '') as scope_key,
        coalesce(subject, '') as subject_key,
        check_status
    from figures
    where measure_kind = 'money'

),

stated as (

    -- this year's figure: the one stated last before the change (same figure, scope and subject);
    -- a change stated of no figure before it is not read
    select
        year_on_year.*,
        stated_figures.check_status as figure_check_status
    from year_on_year
    asof inner join stated_figures
        on
            year_on_year.doc_id = stated_figures.doc_id
            and year_on_year.figure_metric = stated_figures.metric
            and year_on_year.scope_key = stated_figures.scope_key
            and year_on_year.subject_key = stated_figures.subject_key
            and year_on_year.figure_index > stated_figures.figure_index

),

compared as (

    -- this year's cell and the prior-year document's same cell (a blank cell counts as 0, as in the sums)
    select
        year_on_year.figure_id,
        year_on_year.doc_id,
        this_year.agency_key,
        year_on_year.fiscal_year,
        year_on_year.metric,
        year_on_year.figure_metric,
        year_on_year.fund_scope,
        year_on_year.subject,
        year_on_year.raw_value,
        year_on_year.value_wan,
        year_on_year.label,
        year_on_year.sentence,
        year_on_year.source_line,
        year_on_year.page,
        prior_year.doc_id as prior_doc_id,
        this_cells.cell_ref,
        this_cells.cell_value,
        this_cells.cell_line,
        this_cells.cell_page,
        prior_cells.cell_ref as prior_cell_ref,
        prior_cells.cell_value as prior_cell_value,
        prior_cells.cell_line as prior_cell_line,
        prior_cells.cell_page as prior_cell_page,
        year_on_year.figure_check_status,
        prior_cells.doc_id is not null as prior_tied,
        this_cells.in_suspect_table or coalesce(prior_cells.in_suspect_table, false) as in_suspect_table,
        coalesce(this_cells.cell_value, 0) - coalesce(prior_cells.cell_value, 0) as computed_change,
        -- the rounding of the three printed figures
        cast(
            year_on_year.half_unit + this_cells.cell_half_unit + coalesce(prior_cells.cell_half_unit, 0)
            as decimal(20, 6)
        ) as tolerance
    from stated as year_on_year
    inner join documents as this_year on year_on_year.doc_id = this_year.doc_id
    inner join documents as prior_year
        on
            this_year.agency_key = prior_year.agency_key
            and this_year.fiscal_year = prior_year.fiscal_year + 1
    inner join tied_cells as this_cells
        on
            year_on_year.doc_id = this_cells.doc_id
            and year_on_year.figure_metric = this_cells.metric
            and year_on_year.fund_scope is not distinct from this_cells.fund_scope
            and year_on_year.subject is not distinct from this_cells.subject
    left join tied_cells as prior_cells
        on
            prior_year.doc_id = prior_cells.doc_id
            and year_on_year.figure_metric = prior_cells.metric
            and year_on_year.fund_scope is not distinct from prior_cells.fund_scope
            and year_on_year.subject is not distinct from prior_cells.subject

),

final as (

    select
        ---------- keys
        figure_id as change_id,
        doc_id,
        agency_key,
        fiscal_year,
        prior_doc_id,

        ---------- the change stated
        metric,
        figure_metric,
        fund_scope,
        subject,
        raw_value,

        ---------- amounts (in `unit`: 万元): the stated change against this year's cell − last year's
        '{{ var("money_unit") }}' as unit,
        value_wan as stated_change,
        cell_ref,
        cell_value,
        prior_cell_ref,
        prior_cell_value,
        computed_change,
        value_wan - computed_change as difference,
        tolerance,
        case
            when figure_check_status = 'mismatch' or not prior_tied or in_suspect_table then 'not_checkable'
            when abs(value_wan - computed_change) <= tolerance then 'pass'
            else 'violation'
        end as change_status,
        case
            when figure_check_status = 'mismatch'
                then 'this year''s figure as stated differs from its cell: the change may be of another figure'
            when not prior_tied
                then 'the prior-year document states no figure tied to the same cell (or its cell is ambiguous)'
            when in_suspect_table then 'extraction: the table of a cell is suspect'
        end as status_reason,

        ---------- provenance: the sentence, this year's cell, last year's cell
        label,
        sentence,
        source_line,
        page,
        cell_line,
        cell_page,
        prior_cell_line,
        prior_cell_page

    from compared

)

select * from final
