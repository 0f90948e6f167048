with

source as (

    select * from {{ source('catalogue', 'items') }}
    where item_list = 'three_public'

),

renamed as (

    select
        ---------- ids
        item_key as cost_item,

        ---------- item
        sort_order,
        parent_item,
        label_zh as item_name_zh,
        label_en as item_name_en

    from source

)

select * from renamed
