{#- The combination of `columns` is unique in the model (rows with a NULL in any column are
    ignored, as in dbt's unique test). -#}
{% test unique_combination(model, columns) %}

select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
where {% for column in columns %}{{ column }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
