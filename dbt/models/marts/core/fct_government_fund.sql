-- 政府性基金预算财政拨款收入支出决算表 (T07): one row per document × printed row, one 万元 column
-- per template column (macro subject_table_fact).
{{ config(materialized='incremental', incremental_strategy='append') }}
{{ subject_table_fact('T07', ['carryover_begin', 'income', 'expenditure_total', 'basic', 'project',
                              'carryover_end']) }}
