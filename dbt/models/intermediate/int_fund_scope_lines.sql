-- One row per document × fund scope × line (a 功能分类 subject, or the table's 合计 as line
-- 'total'): the amount the document prints for it, read from the table seed fund_scope_tables
-- declares for the scope (the lowest priority the document prints: a budget's B10 before its
-- B04, a final account's university T05 before its T04). A subject printed on several rows of
-- the table (per 预算单位 block, per economic subject beside it) is their sum; a 合计 printed
-- twice is read from its first row.
with

scope_tables as (

    select * from {{ ref('fund_scope_tables') }}

),

documents as (

    select
        doc_id,
        doc_kind
    from {{ ref('stg_documents') }}

),

cells as (

    select * from {{ ref('stg_table_cells') }}

),

chosen_tables as (

    select
        document_tables.doc_id,
        document_tables.table_code,
        scope_tables.fund_scope,
        scope_tables.column_key,
        scope_tables.total_row_key
    from {{ ref('stg_document_tables') }} as document_tables
    inner join scope_tables
        on
            document_tables.table_code = scope_tables.table_code
            and (
                scope_tables.template_variant is null
                or document_tables.template_variant = scope_tables.template_variant
            )
    qualify row_number() over (
        partition by document_tables.doc_id, scope_tables.fund_scope
        order by scope_tables.priority, document_tables.table_code
    ) = 1

),

subject_lines as (

    select
        chosen_tables.doc_id,
        chosen_tables.fund_scope,
        chosen_tables.table_code,
        cells.subject_code as line_key,
        any_value(cells.subject_level) as subject_level,
        cast(sum(cells.value_wan) as decimal(20, 6)) as amount,
        count(*) as n_rows,
        string_agg(cells.row_id, ',' order by cells.row_index) as row_ids,
        min(cells.page) as page,
        min(cells.source_line) as source_line
    from chosen_tables
    inner join cells
        on
            chosen_tables.doc_id = cells.doc_id
            and chosen_tables.table_code = cells.table_code
            and chosen_tables.column_key = cells.column_key
    where cells.subject_level is not null
    group by chosen_tables.doc_id, chosen_tables.fund_scope, chosen_tables.table_code, cells.subject_code

),

total_lines as (

    select
        chosen_tables.doc_id,
        chosen_tables.fund_scope,
        chosen_tables.table_code,
        'total' as line_key,
        cast(null as integer) as subject_level,
        cells.value_wan as amount,
        count(*) over (partition by chosen_tables.doc_id, chosen_tables.fund_scope) as n_rows,
        cells.row_id as row_ids,
        cells.page,
        cells.source_line
    from chosen_tables
    inner join cells
        on
            chosen_tables.doc_id = cells.doc_id
            and chosen_tables.table_code = cells.table_code
            and chosen_tables.column_key = cells.column_key
            and chosen_tables.total_row_key = cells.row_key
    qualify row_number() over (
        partition by chosen_tables.doc_id, chosen_tables.fund_scope order by cells.row_index
    ) = 1

),

lines as (

    select * from subject_lines
    union all
    select * from total_lines

),

final as (

    select
        lines.doc_id || ':' || lines.fund_scope || ':' || lines.line_key as line_id,
        lines.doc_id,
        documents.doc_kind,
        lines.fund_scope,
        lines.line_key,
        lines.subject_level,
        lines.table_code,
        lines.amount,
        lines.n_rows,
        lines.row_ids,
        lines.page,
        lines.source_line
    from lines
    left join documents on lines.doc_id = documents.doc_id

)

select * from final
