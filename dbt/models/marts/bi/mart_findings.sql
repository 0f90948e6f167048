-- One row per finding: an identity instance that is violated, could not be checked, or holds
-- only within rounding (audit.identity_results), with its document, agency and year, the unit
-- of its two sides (seed finding_units) and the standard tables its evidence names.
{{ config(materialized='view') }}
{%- set finding_statuses = "'violation', 'not_checkable', 'rounding'" %}
with

results as (

    select * from {{ ref('stg_identity_results') }}
    where status in ({{ finding_statuses }})

),

cells as (

    select * from {{ ref('stg_identity_cells') }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

finding_units as (

    select * from {{ ref('finding_units') }}

),

narrative_figures as (

    select
        figure_id,
        measure_kind
    from {{ ref('fct_narrative_figure') }}

),

standard_tables as (

    select table_code from {{ source('catalogue', 'tables') }}

),

-- the unit a rule's sides are in: the longest matching rule prefix of its family wins
rule_units as (

    select
        results.doc_id,
        results.result_id,
        finding_units.unit as declared_unit
    from results
    inner join finding_units
        on
            results.rule_family = finding_units.family
            and (
                finding_units.rule_prefix is null
                or results.rule_id = finding_units.rule_prefix
                or starts_with(results.rule_id, finding_units.rule_prefix || '.')
            )
    qualify row_number() over (
        partition by results.doc_id, results.result_id
        order by length(coalesce(finding_units.rule_prefix, '')) desc
    ) = 1

),

-- the standard tables a finding is about: its cells' tables, the tables of the row ids its
-- evidence cites (doc_id:T05:1) and a table code the rule id names (C.empty_statement.T09)
named_tables as (

    select
        doc_id,
        result_id,
        table_code
    from cells
    where table_code is not null
    union
    select
        cells.doc_id,
        cells.result_id,
        unnest(regexp_extract_all(cells.row_label, '[0-9a-f]{64}:(T[0-9]{2})', 1)) as table_code
    from cells
    union
    select
        doc_id,
        result_id,
        unnest(string_split(rule_id, '.')) as table_code
    from results

),

finding_tables as (

    select
        named_tables.doc_id,
        named_tables.result_id,
        min(named_tables.table_code) as table_code,
        string_agg(named_tables.table_code, ',' order by named_tables.table_code) as table_codes
    from named_tables
    inner join standard_tables on named_tables.table_code = standard_tables.table_code
    group by named_tables.doc_id, named_tables.result_id

),

finding_places as (

    select
        doc_id,
        result_id,
        count(*) as n_evidence_cells,
        min(page) as first_page,
        string_agg(distinct cast(page as varchar), ',' order by cast(page as varchar)) as pages,
        min(source_line) as first_source_line
    from cells
    group by doc_id, result_id

),

final as (

    select
        ---------- keys
        results.finding_id,
        results.doc_id,
        results.result_id,

        ---------- document
        documents.file_name,
        documents.agency_key,
        documents.agency_name,
        documents.fiscal_year,
        documents.doc_kind,

        ---------- rule
        results.rule_id,
        results.rule_family,
        results.instance,
        results.description,

        ---------- verdict
        results.status,
        results.severity,
        results.message,
        results.suggestion,
        results.reason,

        ---------- sides (in `unit`)
        case rule_units.declared_unit
            when 'document' then results.document_money_unit
            when 'figure'
                then
                    case narrative_figures.measure_kind
                        when 'money' then '万元' when 'percent' then '%' else narrative_figures.measure_kind
                    end
            else rule_units.declared_unit
        end as unit,
        results.lhs_value,
        results.rhs_value,
        results.difference,
        results.tolerance,

        ---------- where
        finding_tables.table_code,
        finding_tables.table_codes,
        finding_places.first_page,
        finding_places.pages,
        finding_places.first_source_line,
        coalesce(finding_places.n_evidence_cells, 0) as n_evidence_cells,

        ---------- run
        results.checked_at

    from results
    left join documents on results.doc_id = documents.doc_id
    left join rule_units on results.doc_id = rule_units.doc_id and results.result_id = rule_units.result_id
    left join narrative_figures
        on
            rule_units.declared_unit = 'figure'
            and results.instance = 'figure_id=' || narrative_figures.figure_id
    left join finding_tables
        on results.doc_id = finding_tables.doc_id and results.result_id = finding_tables.result_id
    left join finding_places
        on results.doc_id = finding_places.doc_id and results.result_id = finding_places.result_id

)

select
    *,
    case when unit in ('元', '万元') then {{ to_wan('difference', 'unit') }} end as difference_wan
from final
