-- One row per 经济分类 code × name as printed in 基本支出决算明细表 (T06) or a 部门预算's
-- 一般公共预算/财政拨款基本支出表 (B06, B11), with how many
-- documents print that name for that code and the latest fiscal year they belong to.
with

subject_rows as (

    select
        doc_id,
        fiscal_year,
        subject_code,
        item_name
    from {{ ref('int_table_rows') }}
    where
        table_code in ('T06', 'B06', 'B11')
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
