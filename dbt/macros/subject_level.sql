{#- Level of a 政府收支分类 code by its length: 3 digits = 类 (1), 5 = 款 (2), 7 = 项 (3);
    any other length is NULL (not a code of the national classification). -#}
{% macro subject_level(code) -%}
    case length({{ code }}) when 3 then 1 when 5 then 2 when 7 then 3 end
{%- endmacro %}
