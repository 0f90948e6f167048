{#- Body of a 政府收支分类 subject dimension built from a model of (subject_code, subject_name,
    n_documents, last_fiscal_year) as printed: every printed code plus its ancestors by prefix,
    level and parent, and one name per code — the name printed by the most documents, ties
    broken by the latest fiscal year, then by the name itself (deterministic); the number of
    distinct printed names and all of them are kept. -#}
{% macro subject_dimension(names_model) -%}
with

printed_names as (

    select * from {{ ref(names_model) }}

),

ranked_names as (

    select
        subject_code,
        subject_name,
        n_documents,
        row_number() over (
            partition by subject_code
            order by n_documents desc, last_fiscal_year desc nulls last, subject_name
        ) as name_rank
    from printed_names

),

chosen_names as (

    select
        subject_code,
        max(case when name_rank = 1 then subject_name end) as subject_name,
        count(*) as n_distinct_names,
        string_agg(subject_name, ' | ' order by name_rank) as printed_names,
        sum(n_documents) as n_documents
    from ranked_names
    group by subject_code

),

codes as (

    select subject_code from chosen_names
    union
    select left(subject_code, 5) from chosen_names where length(subject_code) = 7
    union
    select left(subject_code, 3) from chosen_names where length(subject_code) in (5, 7)

),

final as (

    select
        codes.subject_code,
        chosen_names.subject_name,
        {{ subject_level('codes.subject_code') }} as subject_level,
        case {{ subject_level('codes.subject_code') }}
            when 1 then '类' when 2 then '款' when 3 then '项' end as level_name,
        {{ subject_parent_code('codes.subject_code') }} as parent_code,
        case when length(codes.subject_code) in (3, 5, 7) then left(codes.subject_code, 3) end as class_code,
        case when length(codes.subject_code) in (5, 7) then left(codes.subject_code, 5) end as subclass_code,
        coalesce(chosen_names.n_distinct_names, 0) as n_distinct_names,
        chosen_names.printed_names,
        coalesce(chosen_names.n_documents, 0) as n_documents,
        chosen_names.subject_code is not null as is_printed
    from codes
    left join chosen_names on codes.subject_code = chosen_names.subject_code

)

select * from final
{%- endmacro %}
