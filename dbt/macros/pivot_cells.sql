{#- One column per template column_key from long-format cells (one cell per row x column):
    max(case ...) keeps the single value of the row; a blank cell stays NULL. -#}
{% macro pivot_cells(column_keys, value_column='value_wan') -%}
    {%- for key in column_keys %}
    max(case when column_key = '{{ key }}' then {{ value_column }} end) as {{ key }}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
