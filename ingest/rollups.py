"""Tables derived at ingest: access rollups and identity resolution.

Whole-lake questions (every principal→secret pair with first/last seen, top secrets by distinct
readers, daily volumes, per-principal baselines, which hours a store logged anything) would scan
every event. Instead each ingest run aggregates the events *it* wrote, once, into
the ``rollup_*`` tables (one file set per run; queries aggregate the partial rows again, which is
exact for counts, min and max).

``identities`` is rebuilt after every run from the rollups and the principals snapshots: one row
per (source, principal_id), mapped to one person or workload across managers:

1. An e-mail address in the snapshot's ``email``, the principal's name or its id (GCP and Azure
   users, 1Password and Doppler users, Vault OIDC display names such as ``oidc-alice@acme.example``)
   → ``email:<address>``. A principal seen under two or more addresses (a shared AWS role whose
   sessions carry each user's address) is not resolved: one principal must not become one person.
2. A Kubernetes service account ``system:serviceaccount:<ns>:<name>`` → ``k8s-sa:<ns>/<name>``.
3. Otherwise the identity is the principal itself: ``<source>:<principal_id>``.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from ingest import schema as lake_schema
from ingest.lake import Lake

VAULT_PREFIX = "(oidc|jwt|ldap|userpass|okta|github|saml|radius)"
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"


def _read(lake: Lake, table: str, files: list[Path] | None = None) -> str | None:
    """A read_parquet() expression over ``files`` (default: all of ``table``), or None."""
    files = lake.files(table) if files is None else files
    if not files:
        return None
    spec = lake_schema.load()[table]
    types = ", ".join(
        f"'{k}': {lake_schema.DUCKDB_TYPES[spec.column(k).type]}" for k in spec.partition
    )
    listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    hive = f", hive_partitioning = true, hive_types = {{{types}}}" if spec.partition else ""
    return f"read_parquet([{listed}], union_by_name = true{hive})"


ROLLUPS = (
    "rollup_pairs",
    "rollup_daily",
    "rollup_hours",
    "rollup_reads_daily",
    "rollup_ips_daily",
    "rollup_principal_hours",
)


def update_rollups(
    con: duckdb.DuckDBPyConnection,
    lake: Lake,
    ingest_id: str,
    tables: tuple[str, ...] = ROLLUPS,
) -> int:
    """Aggregate the events written by ``ingest_id`` into the rollup ``tables``; returns the
    number of rollup rows written."""
    mine = [f for f in lake.files("events") if f.name.startswith(ingest_id + "-")]
    src = _read(lake, "events", mine)
    if src is None:
        return 0
    params = {"ingest_id": ingest_id}
    written = 0
    for table in tables:
        sql = f"{rollup_sql(table, src)} ORDER BY {_ROLLUP_ORDER[table]}"
        rows = con.sql(sql, params=params).to_arrow_table()
        lake.write(table, rows, ingest_id, presorted=True)
        written += rows.num_rows
    return written


def _run_of(path: Path) -> str:
    """The ingest run that wrote a lake file (``<ingest_id>-<counter>.parquet``)."""
    return path.stem.rsplit("-", 1)[0]


def _done(lake: Lake) -> Path:
    return lake.meta_dir / "rollups"


def backfill_rollups(con: duckdb.DuckDBPyConnection, lake: Lake) -> int:
    """Rollups for runs whose events predate a rollup table (a lake written by an older
    keytrail): without them, queries that read whole days from a rollup would miss those days.
    A run is done once every rollup table has been derived for it (marked in
    ``_keytrail/rollups/``). Returns the rows written."""
    done = _done(lake)
    done.mkdir(exist_ok=True)
    runs = {_run_of(f) for f in lake.files("events")} - {p.name for p in done.iterdir()}
    have = {table: {_run_of(f) for f in lake.files(table)} for table in ROLLUPS} if runs else {}
    written = 0
    for ingest_id in sorted(runs):
        missing = tuple(t for t in ROLLUPS if ingest_id not in have[t])
        if missing:
            written += update_rollups(con, lake, ingest_id, missing)
        (done / ingest_id).touch()
    return written


def rollup_sql(table: str, src: str) -> str:
    """The SELECT that aggregates the events in ``src`` (a table expression) into rollup
    ``table``; ``$ingest_id`` is left as a parameter."""
    return _ROLLUP_SQL[table].format(src=src)


# Each rollup of one run's events, and the order it is written in (tables.yml's sort, after the
# partition key).
_ROLLUP_SQL = {
    "rollup_pairs": """
        SELECT source, store, principal_id, any_value(principal_name) AS principal_name,
            any_value(principal_type) AS principal_type, secret_id, action, outcome,
            count(*) AS events, min(event_time) AS first_seen, max(event_time) AS last_seen,
            $ingest_id AS ingest_id
        FROM {src}
        GROUP BY source, store, principal_id, secret_id, action, outcome""",
    "rollup_daily": """
        SELECT source, store, event_date, principal_id, action, outcome, count(*) AS events,
            $ingest_id AS ingest_id
        FROM {src}
        GROUP BY source, store, event_date, principal_id, action, outcome""",
    "rollup_hours": """
        SELECT source, store, event_date, CAST(hour(event_time) AS BIGINT) AS hour,
            count(*) AS events,
            count(*) FILTER (WHERE action IN ('read', 'list', 'describe')) AS access_events,
            min(event_time) AS first_seen, max(event_time) AS last_seen, $ingest_id AS ingest_id
        FROM {src}
        GROUP BY ALL""",
    "rollup_reads_daily": """
        SELECT source, store, event_date, principal_id, secret_id,
            any_value(secret_name) AS secret_name, outcome, count(*) AS events,
            min(event_time) AS first_seen, max(event_time) AS last_seen, $ingest_id AS ingest_id
        FROM {src}
        WHERE action = 'read'
        GROUP BY source, store, event_date, principal_id, secret_id, outcome""",
    "rollup_ips_daily": """
        SELECT source, store, event_date, principal_id, source_ip, outcome, count(*) AS events,
            min(event_time) AS first_seen, max(event_time) AS last_seen, $ingest_id AS ingest_id
        FROM {src}
        WHERE source_ip IS NOT NULL
        GROUP BY source, store, event_date, principal_id, source_ip, outcome""",
    "rollup_principal_hours": """
        SELECT source, store, event_date, CAST(hour(event_time) AS BIGINT) AS hour, principal_id,
            count(*) AS events, $ingest_id AS ingest_id
        FROM {src}
        GROUP BY ALL""",
}
_ROLLUP_ORDER = {
    "rollup_pairs": "source, secret_id, principal_id",
    "rollup_daily": "source, event_date, principal_id",
    "rollup_hours": "source, event_date, hour, store",
    # folded per pair / address / hour over many days: rows of one group sit together
    "rollup_reads_daily": "source, principal_id, secret_id, event_date",
    "rollup_ips_daily": "source, principal_id, source_ip, event_date",
    "rollup_principal_hours": "source, principal_id, hour, event_date",
}


def rebuild_identities(con: duckdb.DuckDBPyConnection, lake: Lake, ingest_id: str) -> int:
    """Recompute ``identities`` from the rollups and principals; returns its row count."""
    parts = []
    pairs = _read(lake, "rollup_pairs")
    if pairs is not None:
        parts.append(
            f"SELECT DISTINCT source, principal_id, principal_name AS name, CAST(NULL AS VARCHAR) "
            f"AS email, principal_type FROM {pairs} WHERE principal_id IS NOT NULL"
        )
    principals = _read(lake, "principals")
    if principals is not None:
        parts.append(
            f"SELECT source, principal_id, name, email, principal_type FROM {principals} "
            "WHERE principal_id IS NOT NULL"
        )
    if not parts:
        return 0
    table: pa.Table = con.sql(
        f"""
        WITH seen AS ({" UNION ALL ".join(parts)}),
        emails AS (
            -- Vault display names are '<auth mount>-<alias>': the alias is the address.
            SELECT source, principal_id,
                lower(coalesce(
                    nullif(regexp_extract(email, '{EMAIL}'), ''),
                    nullif(regexp_extract(CASE WHEN source = 'vault'
                        THEN regexp_replace(name, '^{VAULT_PREFIX}-', '') ELSE name END,
                        '{EMAIL}'), ''),
                    regexp_extract(principal_id, '{EMAIL}'))) AS address
            FROM seen
        ),
        per_principal AS (
            SELECT s.source, s.principal_id,
                any_value(s.name ORDER BY s.name NULLS LAST) AS principal_name,
                -- a snapshot's type beats 'unknown' from a log
                any_value(s.principal_type ORDER BY s.principal_type = 'unknown')
                    AS principal_type,
                list_distinct(list(e.address) FILTER (WHERE e.address <> '')) AS addresses
            FROM seen s
            JOIN emails e USING (source, principal_id)
            GROUP BY ALL
        )
        SELECT source, principal_id, principal_name,
            CASE WHEN len(addresses) = 1 THEN 'email:' || addresses[1]
                 WHEN starts_with(principal_id, 'system:serviceaccount:')
                     THEN 'k8s-sa:' || split_part(principal_id, ':', 3) || '/'
                          || split_part(principal_id, ':', 4)
                 ELSE source || ':' || principal_id END AS identity_id,
            CASE WHEN len(addresses) = 1 THEN addresses[1]
                 ELSE coalesce(principal_name, principal_id) END AS identity_name,
            principal_type AS identity_type,
            CASE WHEN len(addresses) = 1 THEN 'e-mail address ' || addresses[1]
                 WHEN len(addresses) > 1
                     THEN 'not resolved: ' || len(addresses) || ' addresses ('
                          || array_to_string(list_sort(addresses)[1:3], ', ') || ')'
                 WHEN starts_with(principal_id, 'system:serviceaccount:')
                     THEN 'Kubernetes service account name'
                 ELSE 'no link: the principal itself' END AS evidence,
            $ingest_id AS ingest_id
        FROM per_principal
        ORDER BY identity_id, source, principal_id
        """,
        params={"ingest_id": ingest_id},
    ).to_arrow_table()
    lake.replace("identities", table, ingest_id)
    return int(table.num_rows)
