-- One row per finding × cell or piece of evidence involved: where it is printed (table, row,
-- column, page or line), its value and the text as printed, for the findings of mart_findings.
{{ config(materialized='view') }}
with

findings as (

    select * from {{ ref('mart_findings') }}

),

cells as (

    select * from {{ ref('stg_identity_cells') }}

),

table_cells as (

    select * from {{ ref('stg_table_cells') }}

),

final as (

    select
        ---------- keys
        findings.finding_id,
        cells.cell_index,
        findings.doc_id,
        findings.file_name,
        findings.rule_id,
        findings.status,

        ---------- role in the identity
        cells.role,
        cells.sign,

        ---------- where
        cells.table_code,
        table_cells.table_title,
        cells.evidence_relation,
        cells.row_index,
        cells.row_label,
        cells.row_key,
        cells.subject_code,
        cells.line_no,
        cells.column_key,
        table_cells.column_label,
        cells.page,
        cells.source_line,

        ---------- value
        cells.value,
        case
            when table_cells.measure_kind = 'count' then 'count'
            when cells.table_code is not null then table_cells.unit_printed
        end as unit,
        coalesce(table_cells.raw_text, case when cells.table_code is null then cells.row_label end) as raw_text,
        cells.note

    from findings
    inner join cells on findings.doc_id = cells.doc_id and findings.result_id = cells.result_id
    left join table_cells
        on
            cells.doc_id = table_cells.doc_id
            and cells.table_code = table_cells.table_code
            and cells.row_index = table_cells.row_index
            and cells.column_key = table_cells.column_key

)

select * from final
