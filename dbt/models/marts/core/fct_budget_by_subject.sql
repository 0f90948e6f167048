-- 部门预算 spending by 功能分类 subject (B03 部门支出预算总表, B05 一般公共预算支出预算表, B07 政府性
-- 基金预算支出预算表, B08 国有资本经营预算支出预算表, B10 财政拨款支出预算表): one row per document ×
-- printed row (macro budget_table_fact). A budget may print a subject several times — once per
-- 预算单位 block (budget_unit) or per economic subject beside it — so an agency's figure of a
-- subject is the sum of its rows of one table.
{{ config(materialized='incremental', incremental_strategy='append') }}
{{ budget_table_fact(
    ['B03', 'B05', 'B07', 'B08', 'B10'],
    ['total', 'basic', 'personnel', 'public', 'project', 'project_excl_capital', 'reserve', 'carryover_next',
     'remit_superior', 'operating', 'affiliate_subsidy', 'of_which_remit_superior', 'of_which_operating',
     'of_which_affiliate_subsidy', 'budget_total', 'general_budget', 'gov_fund', 'state_capital', 'fiscal_special',
     'business', 'operating_income', 'superior_subsidy', 'affiliate_income', 'other', 'carryover',
     'prior_account_balance', 'business_fund_used'],
    {'B03': 'all_funds', 'B05': 'general_budget', 'B07': 'gov_fund', 'B08': 'state_capital', 'B10': 'fiscal_grant'}
) }}
