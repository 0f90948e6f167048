{#- numerator / denominator as DECIMAL(12,6); NULL when either is NULL or the denominator is 0.
    Ratios are not money: the division goes through DOUBLE and is rounded to 6 places. -#}
{% macro safe_ratio(numerator, denominator) -%}
    cast(round(cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0), 6)
         as decimal(12, 6))
{%- endmacro %}
