{#- The agency name a document prints, normalised so that one agency gets one key across
    years and file formats: whitespace removed (wrapped titles, PDF layout), ASCII brackets made
    full-width, a trailing "（本级）"/"本级" dropped. -#}
{% macro normalise_agency_name(name) -%}
    nullif(
        regexp_replace(
            replace(replace(regexp_replace(coalesce({{ name }}, ''), '\s+', '', 'g'), '(', '（'), ')', '）'),
            '(（本级）|本级)$', ''),
        '')
{%- endmacro %}
