{{ subject_table_fact('T07', ['carryover_begin', 'income', 'expenditure_total', 'basic', 'project',
                              'carryover_end']) }}
