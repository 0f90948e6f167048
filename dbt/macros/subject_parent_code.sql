{#- Parent of a 政府收支分类 code by prefix: 项 2010308 -> 款 20103 -> 类 201 -> NULL. -#}
{% macro subject_parent_code(code) -%}
    case length({{ code }}) when 5 then left({{ code }}, 3) when 7 then left({{ code }}, 5) end
{%- endmacro %}
