{{ subject_dimension('int_functional_subject_names') }}
