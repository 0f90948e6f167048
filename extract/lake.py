"""The warehouse as a DuckLake: catalog in PostgreSQL, data files (Parquet) in a folder every worker reaches.

Many processes, on many machines, write documents at once (each write_document is one transaction;
DuckLake retries a commit that conflicts). DuckDB cannot download extensions here: the PyPI packages
duckdb-ext-ducklake and duckdb-ext-postgres ship them in DuckDB's extension-directory layout
(duckdb_ext/extensions/v<version>/<platform>/), which a connection uses as its extension_directory.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass

import duckdb

LAKE_ALIAS = "lake"  # the catalog name the raw.*, audit.* and dbt schemas resolve in (dbt's `database`)
# DuckLake has no PRIMARY KEY/UNIQUE constraints (nor indexes, sequences): the keys the schema files
# declare hold by construction (write_document replaces a document whole), so a lake drops them.
_KEYS = re.compile(r",\s*PRIMARY KEY\s*\([^)]*\)|\s+PRIMARY KEY\b")


@dataclass(frozen=True)
class Lake:
    """Where a DuckLake lives: its catalog (a libpq connection string to a PostgreSQL database, e.g.
    'dbname=lake host=db.internal user=fiscalwh') and its data folder (shared by every worker)."""

    catalog: str
    data_path: str

    @property
    def attach_sql(self) -> str:
        return (f"ATTACH {_quote('ducklake:postgres:' + self.catalog)} AS {LAKE_ALIAS} "
                f"(DATA_PATH {_quote(self.data_path)})")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def extension_directory() -> str:
    """The folder holding the extensions the duckdb-ext-* packages installed (a namespace package)."""
    spec = importlib.util.find_spec("duckdb_ext")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("duckdb-ext-ducklake and duckdb-ext-postgres are not installed")
    return f"{next(iter(spec.submodule_search_locations))}/extensions"


def connect_lake(lake: Lake) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached and in use: raw.*, audit.* resolve into the lake."""
    con = duckdb.connect(config={"extension_directory": extension_directory(),
                                 "autoinstall_known_extensions": False})
    con.execute("LOAD ducklake")
    con.execute("LOAD postgres")
    con.execute(lake.attach_sql)
    con.execute(f"USE {LAKE_ALIAS}")
    return con


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection's current database is a DuckLake."""
    found = con.execute("select type from duckdb_databases() where database_name = current_database()").fetchone()
    return found is not None and found[0] == "ducklake"


def without_keys(ddl: str) -> str:
    """The DDL with its PRIMARY KEY constraints removed (DuckLake rejects them)."""
    return _KEYS.sub("", ddl)
