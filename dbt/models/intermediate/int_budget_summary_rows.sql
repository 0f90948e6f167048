-- One row per document × budget summary table (B01 部门收支预算总表, B04 财政拨款收支预算总表) ×
-- logical row: each printed line holds an income half and an expenditure half, each its own row
-- (macro summary_rows, shared with the final accounts' int_summary_rows).
{{ summary_rows(['B01', 'B04']) }}
