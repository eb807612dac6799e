"""``make demo``: build the lake from sample_data/ and walk an analyst through the Acme incident.

Every question is a named catalogue query (queries/forensic/), run exactly as
``keytrail query NAME --param ...`` runs it; the story is in sample_data/README.md.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

import duckdb
from rich.panel import Panel

from ingest.lake import is_lake
from ingest.pipeline import RunReport, run_ingest
from keytrail.report import console_for, ingest_table, rows_table
from queries import catalogue
from queries.lake import connect

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
# The audit device key of the sample Vault (fake): with it the leaked token in the TruffleHog
# report gets the HMAC id the audit log carries. See sample_data/make_vault_sample.py.
VAULT_HMAC_KEY = "acme-demo-audit-hmac-key"
WEEK = {"from": "2026-11-13T00:00:00Z", "to": "2026-11-20T00:00:00Z"}
NIGHT = {"from": "2026-11-18T00:00:00Z", "to": "2026-11-18T07:00:00Z"}
# (inputs, --store): logs that do not name their instance get the cluster's name.
RUNS: tuple[tuple[tuple[str, ...], str | None], ...] = (
    (("vault", "scanners"), "acme-prod"),
    (("k8s",), "acme-prod-eks"),
    (("onepassword",), "acme.1password.com"),
    (("doppler", "aws", "gcp", "azure"), None),
)

out = console_for()


def _show(title: str, why: str, columns: list[str], rows: list[Any]) -> None:
    out.print()
    out.print(Panel(why, title=f"[bold]{title}[/]", title_align="left", expand=False))
    out.print(rows_table(columns, rows) if rows else "[italic]no rows[/]")


def ask(
    con: duckdb.DuckDBPyConnection,
    query_id: str,
    why: str,
    params: dict[str, Any] | None = None,
    columns: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Run a catalogue query, print the chosen columns, return all rows as dicts."""
    query = catalogue.get(query_id)
    rel = catalogue.run(con, query, params or {})
    names = list(rel.columns)
    rows = [dict(zip(names, r, strict=True)) for r in rel.fetchall()]
    shown = columns or names
    given = " ".join(f"--param {k}={v}" for k, v in (params or {}).items())
    _show(
        f"{query.title}   [dim]keytrail query {query_id} {given}[/]",
        why,
        shown,
        [tuple(r[c] for c in shown) for r in rows],
    )
    return rows


def sql(con: duckdb.DuckDBPyConnection, title: str, why: str, text: str) -> list[Any]:
    rel = con.sql(text)
    rows = rel.fetchall()
    _show(title, why, list(rel.columns), rows)
    return rows


def build(lake: Path) -> list[RunReport]:
    if lake.exists():
        if not is_lake(lake):
            raise SystemExit(f"{lake} exists and is not a keytrail lake; pick another --lake")
        shutil.rmtree(lake)  # the demo lake is rebuilt from sample_data every time
    reports = []
    for dirs, store in RUNS:
        paths = [SAMPLE / d for d in dirs]
        label = ", ".join(dirs) + (f" (--store {store})" if store else "")
        out.print(f"Ingesting {label} …")
        reports.append(run_ingest(paths, lake, store=store, vault_hmac_key=VAULT_HMAC_KEY))
    return reports


def run(lake: Path) -> None:
    out.rule("[bold]keytrail demo: Acme Widgets, one week across seven managers")
    reports = build(lake)
    for report in reports:
        out.print(ingest_table(report))
    con = connect(lake)
    sql(
        con,
        "Ingest health",
        "Every input record is an event, folded into one, a duplicate, skipped (out of scope) or "
        "quarantined with a reason. Per source:",
        """
        SELECT source, kind, count(*) AS files, sum(records_read) AS records,
               sum(events_written) AS written, sum(merged) AS merged,
               sum(duplicates) AS duplicates, sum(quarantined) AS quarantined,
               sum(skipped) AS skipped
        FROM ingest_log GROUP BY ALL ORDER BY source, kind""",
    )
    sql(
        con,
        "Quarantined records",
        "Nothing is dropped silently: here is what could not be used, and why.",
        "SELECT origin_file, origin_line, reason FROM quarantine ORDER BY ALL",
    )
    ask(con, "daily-volume", "How much each manager logged per day (rollup, whole lake).")

    out.rule("[bold]1. A token leaked in a CI job log")
    leaks = ask(
        con,
        "accessed-after-leak",
        "Secret scanners found credentials; were they used after they were found?",
        {"since": "2026-11-01T00:00:00Z"},
        [
            "scanner",
            "rule",
            "detected_time",
            "matched_by",
            "successes",
            "denied",
            "first_use",
            "last_use",
            "source_ips",
            "conclusion",
        ],
    )
    leak = next((r for r in leaks if r.get("source") == "trufflehog"), None)
    if leak is not None and leak.get("leak_id"):
        ask(
            con,
            "credential-blast-radius",
            "Everything the leaked Vault token did after the leak, across managers.",
            {"leak": leak["leak_id"]},
            [
                "source",
                "secret_id",
                "action",
                "successes",
                "denied",
                "first_time",
                "last_time",
                "source_ips",
            ],
        )
    ask(
        con,
        "new-source-ip",
        "Principals using an address they never used before: 203.0.113.77, at night, in Vault "
        "and in Kubernetes.",
        {**NIGHT, "lookback": "5d"},
        [
            "identity_id",
            "source_ip",
            "first_seen",
            "events",
            "successes",
            "denied",
            "secrets",
            "known_ips_before",
        ],
    )
    ask(
        con,
        "principal-activity",
        "The CI runner's Kubernetes service account listed every Secret in the cluster.",
        {"principal": "system:serviceaccount:ci:runner", **NIGHT},
        ["event_time", "source_ip", "action", "outcome", "secret_id", "user_agent"],
    )

    out.rule("[bold]2. Who may read payments/db, and who did?")
    ask(
        con,
        "access-pairs",
        "Everyone who ever read a payments secret, across managers (rollup, whole lake).",
        {"secret_prefix": "vault://acme-prod/secret/payments/"},
        [
            "identity_id",
            "principal_name",
            "secret_id",
            "reads",
            "failed_or_denied",
            "first_seen",
            "last_seen",
        ],
    )
    sql(
        con,
        "Granted vs used (Vault)",
        "Who may read payments/db per the policies, against who did per the logs "
        "(rollup_pairs): the CI roles hold read on every secret through ci-deploy.",
        """
        WITH may AS (
            SELECT DISTINCT principal_id, principal_type, via, resource FROM grants
            WHERE source = 'vault' AND effect = 'allow' AND list_contains(actions, 'read')
              AND 'vault://acme-prod/secret/payments/db'
                  LIKE replace(replace(resource, '*', '%'), '+', '%')
        ), did AS (
            SELECT principal_id, sum(events)::BIGINT AS reads FROM rollup_pairs
            WHERE secret_id = 'vault://acme-prod/secret/payments/db' AND action = 'read'
              AND outcome = 'success' GROUP BY ALL
        )
        SELECT m.principal_id, m.principal_type, m.via, m.resource, coalesce(d.reads, 0) AS reads
        FROM may m LEFT JOIN did d USING (principal_id) ORDER BY reads DESC, principal_id""",
    )

    out.rule("[bold]3. A departing employee, and a forgotten config")
    ask(
        con,
        "principal-activity",
        "frank resigned (last day 2026-11-20). On the evening of the 16th, from home, he revealed, "
        "copied and exported items of the shared sales and customer vaults in 1Password.",
        {
            "principal": "frank@acme.example",
            "from": "2026-11-16T20:00:00Z",
            "to": "2026-11-17T00:00:00Z",
        },
        ["event_time", "source_ip", "action", "outcome", "secret_id", "user_agent"],
    )
    sql(
        con,
        "Stale secrets (inventory)",
        "Secrets and configs nobody fetched for 90 days before the week ended: rotate or remove.",
        """
        SELECT source, secret_id, last_accessed_time, last_rotated_time
        FROM secrets
        WHERE last_accessed_time < TIMESTAMPTZ '2026-11-20 00:00:00+00' - INTERVAL 90 DAY
        QUALIFY row_number() OVER (PARTITION BY secret_id ORDER BY snapshot_time DESC) = 1
        ORDER BY last_accessed_time""",
    )
    out.print()
    out.print(
        f"Explore further:  keytrail query --list --lake {lake}   ·   "
        f'keytrail sql "SELECT ..." --lake {lake}'
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lake", type=Path, default=Path("keytrail-lake"))
    run(ap.parse_args().lake)


if __name__ == "__main__":
    main()
