-- 经济分类 subjects: one row per printed code and its ancestors (macro subject_dimension).
{{ subject_dimension('int_economic_subject_names') }}
