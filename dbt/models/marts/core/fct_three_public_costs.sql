-- 财政拨款"三公"经费支出决算表 (T09): one row per document × item, budget (预算数) beside final
-- (决算数). Rows the extractor could not name (row_key NULL) stay in staging and raw.
with

cells as (

    select * from {{ ref('stg_table_cells') }}
    where table_code = 'T09' and row_key is not null

),

documents as (

    select
        doc_id,
        agency_key,
        fiscal_year
    from {{ ref('dim_document') }}

),

items as (

    select * from {{ ref('stg_three_public_items') }}

),

item_values as (

    select
        doc_id,
        row_key as cost_item,
        {{ pivot_cells(['budget', 'final']) }},
        min(row_index) as row_index,
        min(source_line) as source_line,
        min(page) as page,
        array_to_string(list_sort(list_distinct(list(row_id))), ',') as row_ids
    from cells
    group by doc_id, row_key

),

final as (

    select
        ---------- keys
        item_values.doc_id || ':T09:' || item_values.cost_item as three_public_id,
        item_values.doc_id,
        documents.agency_key,
        documents.fiscal_year,
        item_values.cost_item,

        ---------- item
        items.item_name_zh,
        items.item_name_en,
        items.sort_order,

        ---------- amounts (万元)
        item_values.budget,
        item_values.final,
        {{ safe_percent('item_values.final', 'item_values.budget') }} as execution_rate_pct,

        ---------- provenance
        'T09' as table_code,
        item_values.row_index,
        item_values.row_ids,
        item_values.source_line,
        item_values.page

    from item_values
    left join documents on item_values.doc_id = documents.doc_id
    left join items on item_values.cost_item = items.cost_item

)

select * from final
