{#- Use the folder's custom schema as is (staging, intermediate, marts) instead of dbt's
    default "<target_schema>_<custom>", so BI users query marts.mart_agency_year_overview. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
