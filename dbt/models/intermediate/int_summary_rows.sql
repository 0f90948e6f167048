-- One row per document × summary table (T01 收入支出决算总表, T04 财政拨款收入支出决算总表) ×
-- logical row: each printed line holds an income half and an expenditure half, each its own row
-- (macro summary_rows, shared with the budget's int_budget_summary_rows).
{{ summary_rows(['T01', 'T04']) }}
