"""``make demo``: build the lake from sample_data/ and walk an analyst through the Acme incident.

The questions below are the ones an analyst asks first. Until the query catalogue exists they are
written here, as bound-parameter SQL over the read-only lake; each will move to a named catalogue
query (queries/forensic/) and this walk-through will call them by id.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

from rich.panel import Panel

from ingest.lake import is_lake
from ingest.pipeline import run_ingest
from keytrail.report import console_for, ingest_table, rows_table
from queries.lake import connect

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
STORE = "acme-prod"
SECRET = f"vault://{STORE}/secret/payments/db"

out = console_for()


def _ask(
    con: Any, title: str, why: str, sql: str, params: dict[str, Any] | None = None
) -> list[Any]:
    rel = con.sql(sql, params=params or {})
    columns: list[str] = list(rel.columns)
    rows: list[Any] = rel.fetchall()
    out.print()
    out.print(Panel(why, title=f"[bold]{title}[/]", title_align="left", expand=False))
    out.print(rows_table(columns, rows) if rows else "[italic]no rows[/]")
    return rows


def run(lake: Path) -> None:
    if lake.exists():
        if not is_lake(lake):
            raise SystemExit(f"{lake} exists and is not a keytrail lake; pick another --lake")
        shutil.rmtree(lake)  # the demo lake is rebuilt from sample_data every time
    out.rule("[bold]keytrail demo: Acme Widgets, one week of Vault")
    out.print(f"Building the lake at {lake} from {SAMPLE / 'vault'} (store {STORE}) …")
    report = run_ingest([SAMPLE / "vault"], lake, store=STORE)
    out.print(ingest_table(report))
    con = connect(lake)

    _ask(
        con,
        "What the lake holds",
        "Rows per table, straight from the Parquet files.",
        """
        SELECT 'events' AS "table", count(*) AS rows FROM events
        UNION ALL SELECT 'grants', count(*) FROM grants
        UNION ALL SELECT 'principals', count(*) FROM principals
        UNION ALL SELECT 'secrets', count(*) FROM secrets
        UNION ALL SELECT 'quarantine', count(*) FROM quarantine
        UNION ALL SELECT 'ingest_log', count(*) FROM ingest_log""",
    )
    _ask(
        con,
        "Ingest health",
        "Every input line is an event, folded into one, a duplicate, or quarantined with a reason.",
        """
        SELECT origin_file, origin_line, reason FROM quarantine
        ORDER BY origin_file, origin_line""",
    )
    _ask(
        con,
        "Activity per day",
        "Reads, denials and logins per UTC day.",
        """
        SELECT event_date AS day,
               count(*) FILTER (WHERE action = 'read') AS reads,
               count(*) FILTER (WHERE outcome = 'denied') AS denied,
               count(*) FILTER (WHERE action = 'login') AS logins,
               count(DISTINCT principal_id) AS principals
        FROM events GROUP BY ALL ORDER BY day""",
    )
    _ask(
        con,
        "Who read payments/db?",
        f"Every principal that read {SECRET}, how often and from where.",
        """
        SELECT principal_name, principal_type, count(*) AS reads,
               min(event_time) AS first_read, max(event_time) AS last_read,
               list(DISTINCT source_ip ORDER BY source_ip) AS from_ips
        FROM events WHERE secret_id = $secret AND action = 'read' AND outcome = 'success'
        GROUP BY ALL ORDER BY reads DESC""",
        {"secret": SECRET},
    )
    leaks = _ask(
        con,
        "Night-time reads from an address the principal never used before",
        "For each principal, addresses first seen after the first day, used between "
        "20:00 and 07:00 UTC.",
        """
        WITH firsts AS (
            SELECT principal_id, source_ip, min(event_time) AS first_seen
            FROM events WHERE source_ip IS NOT NULL GROUP BY ALL
        )
        SELECT e.principal_name, e.credential_id, e.source_ip, min(e.event_time) AS first_event,
               count(*) FILTER (WHERE e.action = 'read' AND e.outcome = 'success') AS reads,
               count(*) FILTER (WHERE e.outcome = 'denied') AS denied
        FROM events e JOIN firsts f USING (principal_id, source_ip)
        WHERE (hour(e.event_time) >= 20 OR hour(e.event_time) < 7)
          AND f.first_seen > (SELECT min(event_time) FROM events) + INTERVAL 1 DAY
        GROUP BY ALL ORDER BY first_event""",
    )
    if leaks:
        credential = leaks[0][1]
        _ask(
            con,
            "What did that credential touch?",
            "Every event made with the same Vault "
            f"token accessor ({credential[:24]}…), issued at the CI login before.",
            """
            SELECT event_time, source_ip, action, outcome, secret_id, source_action
            FROM events WHERE credential_id = $credential ORDER BY event_time""",
            {"credential": credential},
        )
    _ask(
        con,
        "Who may read payments/db, and who did?",
        "Grants from the policy snapshots "
        "against reads in the audit log: the CI roles hold read on every secret via ci-deploy.",
        """
        WITH may AS (
            SELECT DISTINCT principal_id, principal_type, via, resource FROM grants
            WHERE effect = 'allow' AND list_contains(actions, 'read')
              AND ($secret LIKE replace(replace(resource, '*', '%'), '+', '%')
                   OR resource = $secret)
        ), did AS (
            SELECT principal_id, count(*) AS reads FROM events
            WHERE secret_id = $secret AND action = 'read' AND outcome = 'success' GROUP BY ALL
        )
        SELECT m.principal_id, m.principal_type, m.via, m.resource, coalesce(d.reads, 0) AS reads
        FROM may m LEFT JOIN did d USING (principal_id) ORDER BY reads DESC, principal_id""",
        {"secret": SECRET},
    )
    _ask(
        con,
        "Denied attempts",
        "Refusals are often the first trace of someone probing.",
        r"""
        SELECT event_time, coalesce(principal_name, '(no identity)') AS principal, source_ip,
               source_action, secret_id,
               trim(regexp_replace(replace(error, '1 error occurred:', ''), '[\s*]+', ' ', 'g'))
                   AS error
        FROM events WHERE outcome IN ('denied', 'failure') ORDER BY event_time""",
    )
    _ask(
        con,
        "Dynamic database credentials handed out",
        "Who received which lease (database/creds), per principal.",
        """
        SELECT principal_name, count(*) AS leases, min(event_time) AS first, max(event_time) AS last
        FROM events WHERE lease_id IS NOT NULL AND action = 'read'
        GROUP BY ALL ORDER BY leases DESC""",
    )
    out.print()
    out.print(
        f'Explore further: keytrail sql "SELECT ..." --lake {lake}   (tables: events, grants,'
        " principals, secrets, quarantine, ingest_log)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lake", type=Path, default=Path("keytrail-lake"))
    run(ap.parse_args().lake)


if __name__ == "__main__":
    main()
