{#- Surrogate key of an agency: the first 16 hex digits of md5(normalised agency name). -#}
{% macro agency_key(agency_name) -%}
    case when {{ agency_name }} is not null then left(md5({{ agency_name }}), 16) end
{%- endmacro %}
