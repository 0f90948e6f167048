{#- Overrides dbt's built-in accepted_values: a value outside the list is a content finding
    about a document (an unseen label, row key or status), not a broken build. It warns, and
    the failing rows are stored in schema audit (one table per test) for the auditor. Only
    structural tests (keys, uniqueness, relationships) fail a build. -#}
{% test accepted_values(model, column_name, values, quote=True) %}
{{ config(severity='warn', store_failures=true, schema='audit') }}

with all_values as (
    select
        {{ column_name }} as value_field,
        count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
)

select *
from all_values
where value_field not in (
    {% for value in values -%}
        {% if quote %}'{{ value }}'{% else %}{{ value }}{% endif %}{% if not loop.last %}, {% endif %}
    {%- endfor %}
)

{% endtest %}
