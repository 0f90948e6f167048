-- 支出决算表 (T03): one row per document × printed row, one 万元 column per template column (macro subject_table_fact).
{{ config(materialized='incremental', incremental_strategy='append') }}
{{ subject_table_fact('T03', ['total', 'basic', 'project', 'remit_superior', 'operating',
                              'affiliate_subsidy']) }}
