{#- Every row of the model satisfies the SQL `expression`. A content rule: it warns and stores
    the failing rows in schema audit (a test instance may still set severity error). -#}
{% test expression_is_true(model, expression) %}
{{ config(severity='warn', store_failures=true, schema='audit') }}

select *
from {{ model }}
where not coalesce(({{ expression }}), false)

{% endtest %}
