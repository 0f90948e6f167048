-- One row per 功能分类 code × name as printed (whitespace removed) in 部门决算 and 部门预算, with
-- how many documents print that name for that code and the latest fiscal year they belong to.
with

subject_rows as (

    select
        doc_id,
        fiscal_year,
        subject_code,
        item_name
    from {{ ref('int_table_rows') }}
    -- subject tables, plus the 类 rows of the summary tables (T01/T04 right half); the same
    -- tables of a 部门预算 (B01-B05, B07, B08, B10)
    where
        table_code in (
            'T01', 'T02', 'T03', 'T04', 'T05', 'T07', 'T08',
            'B01', 'B02', 'B03', 'B04', 'B05', 'B07', 'B08', 'B10'
        )
        and subject_code is not null

),

final as (

    select
        subject_code,
        item_name as subject_name,
        count(distinct doc_id) as n_documents,
        count(*) as n_printed_rows,
        max(fiscal_year) as last_fiscal_year
    from subject_rows
    where item_name is not null
    group by subject_code, item_name

)

select * from final
