{{ subject_dimension('int_economic_subject_names') }}
