{{ subject_table_fact('T03', ['total', 'basic', 'project', 'remit_superior', 'operating',
                              'affiliate_subsidy']) }}
