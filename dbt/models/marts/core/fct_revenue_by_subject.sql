{{ subject_table_fact('T02', ['total', 'fiscal_grant', 'superior_subsidy', 'business',
                              'operating', 'affiliate', 'other']) }}
