{#- The filter of an incremental per-document fact: in an incremental build, only the rows of the
    documents the model does not hold yet (appended once; a full build takes every document). A
    document extracted again needs `dbt build --full-refresh`, which `fiscalwh run` does by itself
    (dagster_project/run.py). Follows a where clause: `where table_code = 'T03' {{ new_documents() }}`. -#}
{% macro new_documents() -%}
{%- if is_incremental() %} and doc_id not in (select doc_id from {{ this }}){% endif -%}
{%- endmacro %}
