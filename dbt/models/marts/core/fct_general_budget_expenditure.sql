{{ subject_table_fact('T05', ['total', 'basic', 'project']) }}
