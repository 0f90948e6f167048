{#- numerator / denominator × 100 as DECIMAL(12,4): a percent (77.1084 for 77.1084 %); NULL when
    either is NULL or the denominator is 0. Percents are not money: the division goes through
    DOUBLE and is rounded to 4 places (the precision of a ratio to 6). -#}
{% macro safe_percent(numerator, denominator) -%}
    cast(round(cast({{ numerator }} as double) * 100 / nullif(cast({{ denominator }} as double), 0), 4)
         as decimal(12, 4))
{%- endmacro %}
