"""Great Expectations suites asserting the accounting identities of 部门决算 disclosures.

Identities are declared as data in ``expectations/identities/*.yml`` (declarations.py), evaluated
exactly on ``raw.table_cells`` (evaluate.py), judged by one GX suite per family (suites.py) and
written with their cells to schema ``audit`` (store.py). Entry point: ``expectations.runner``
(``run_checks(db_path, doc_ids=None, data_docs_dir=None)``; CLI ``python -m expectations.runner``).
"""
