-- 一般公共预算财政拨款支出决算表 (T05): one row per document × printed row, one 万元 column per
-- template column (macro subject_table_fact).
{{ config(materialized='incremental', incremental_strategy='append') }}
{{ subject_table_fact('T05', ['total', 'basic', 'project']) }}
