-- 收入决算表 (T02): one row per document × printed row, one 万元 column per template column (macro subject_table_fact).
{{ config(materialized='incremental', incremental_strategy='append') }}
{{ subject_table_fact('T02', ['total', 'fiscal_grant', 'superior_subsidy', 'business',
                              'operating', 'affiliate', 'other']) }}
