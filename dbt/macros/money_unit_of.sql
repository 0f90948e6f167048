{#- The unit a document's amounts are printed in: 元 or 万元; a document that states no unit
    is read in 万元, the unit of the national template. -#}
{% macro money_unit_of(unit) -%}
    case when {{ unit }} = '元' then '元' else '万元' end
{%- endmacro %}
