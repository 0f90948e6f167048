-- 部门收入预算总表 (B02): the budgeted revenue by 功能分类 subject, one row per document × printed row
-- (macro budget_table_fact), one 万元 column per source of revenue the catalogue knows.
{{ config(materialized='incremental', incremental_strategy='append') }}
{{ budget_table_fact(
    ['B02'],
    ['total', 'current_year', 'carryover', 'carryover_general_budget', 'carryover_gov_fund', 'carryover_state_capital',
     'carryover_fiscal_special', 'carryover_unit_funds', 'fiscal_grant', 'general_budget', 'general_budget_special',
     'gov_fund', 'state_capital', 'fiscal_special', 'business', 'business_tuition', 'operating', 'superior_subsidy',
     'affiliate', 'other', 'nonfiscal_balance_used', 'business_fund_used', 'prior_account_balance', 'budget_total']
) }}
