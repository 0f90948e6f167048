{#- Normalise a printed amount to 万元 as DECIMAL(20,6), exactly (no float): amounts printed
    in 元 are divided by 10,000 (multiplied by the exact decimal 0.0001), amounts printed in
    万元 (or with no unit stated, the national template's default) are kept. -#}
{% macro to_wan(value, unit) -%}
    cast(
        case when {{ unit }} = '元' then {{ value }} * cast(0.0001 as decimal(5, 4))
             else {{ value }}
        end as decimal(20, 6))
{%- endmacro %}
