{#- A printed label without the whitespace that wrapping and PDF layout put inside it
    ("社会保障和就业支 出" -> "社会保障和就业支出"); empty labels become NULL. -#}
{% macro clean_label(label) -%}
    nullif(regexp_replace(coalesce({{ label }}, ''), '\s+', '', 'g'), '')
{%- endmacro %}
