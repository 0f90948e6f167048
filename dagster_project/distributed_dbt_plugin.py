"""dbt-duckdb plugin of the `lake` target (dbt/profiles.yml): DuckDB finds the DuckLake and postgres
extensions where the duckdb-ext-* packages installed them (it cannot download them here)."""

from typing import Any

from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt.adapters.duckdb.plugins import BasePlugin

from extract.lake import extension_directory


class Plugin(BasePlugin):
    def update_connection_config(self, creds: DuckDBCredentials, config: dict[str, Any]) -> None:
        config["extension_directory"] = extension_directory()
        config["autoinstall_known_extensions"] = False
