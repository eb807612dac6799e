"""``build``: the AWS snapshot files of one ingest -> grants, principals and secrets rows.

It works on the whole set at once: users name groups and managed policies defined elsewhere in
the export (possibly another page), resource policies name users and roles, and grants are
expanded against the secrets that ``list-secrets`` lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ingest.snapshots.aws.collect import Collected, collect
from ingest.snapshots.aws.drafts import Resolved, resolve
from ingest.snapshots.aws.evaluate import (
    Evaluation,
    all_resource_drafts,
    identity_drafts,
    to_rows,
)
from ingest.snapshots.aws.iam import holdings
from ingest.snapshots.aws.inventory import secret_row
from ingest.snapshots.aws.model import (
    SecretArn,
    SnapshotDoc,
    SnapshotResult,
    as_utc,
)
from ingest.snapshots.aws.principals import entity_type, principal_row
from ingest.snapshots.aws.resource_policy import Directory
from ingest.snapshots.model import finish_result

_DEFAULT_KEYS = (None, "", "alias/aws/secretsmanager")


def build(docs: Sequence[SnapshotDoc], store: str | None = None) -> SnapshotResult:
    """Rows for the grants, principals and secrets tables; never raises on document content.

    ``store`` (``keytrail ingest --store``) is not used: every row's store comes from the ARNs
    (``<account>/<region>`` for secrets, ``<account>`` for IAM, which is global).
    """
    del store
    c = Collected()
    for doc in sorted(docs, key=lambda d: (d.origin_file, as_utc(d.snapshot_time))):
        if doc.origin_file in c.kinds:
            c.warnings.add(f"{doc.origin_file}: given twice; the second copy is ignored")
            continue
        c.kinds[doc.origin_file] = None
        try:
            collect(doc, c)
        except Exception as exc:  # last resort: one odd document must not stop the ingest
            c.problem(doc, f"internal error while reading this file: {exc!r}")
    principals: list[dict[str, Any]] = []
    grants: list[dict[str, Any]] = []
    try:
        entities = [*c.entities.values(), *c.groups.values()]
        principals = [principal_row(e) for e in entities]
        grants = _grants(c)
    except Exception as exc:  # last resort, as above: keep what was built so far
        c.warnings.add(f"internal error while building rows: {exc!r}")
    secrets = [secret_row(entry, arn, doc) for entry, arn, doc in c.inventory.values()]
    return _result(c, grants, principals, secrets)


def _grants(c: Collected) -> list[dict[str, Any]]:
    entities = sorted(c.entities.values(), key=lambda e: e.arn)
    directory = Directory(entities, c.accounts)
    resolved: dict[str, list[Resolved]] = {
        e.arn: [resolve(e, h) for h in holdings(e, c.groups, c.policies, c.warnings)]
        for e in entities
    }
    targets: dict[str, SecretArn] = {arn: s for arn, (_, s, _) in c.inventory.items()}
    targets.update({arn: rp.secret for arn, rp in c.resource_policies.items()})
    drafts = identity_drafts(
        [(e, entity_type(e), resolved[e.arn]) for e in entities],
        [targets[arn] for arn in sorted(targets)],
        c.listed,
        c.warnings,
    )
    drafts += all_resource_drafts(c.resource_policies, directory, c.warnings)
    default_key = {
        arn for arn, (entry, _, _) in c.inventory.items() if entry.get("KmsKeyId") in _DEFAULT_KEYS
    }
    drafts = Evaluation(resolved, directory, c.resource_policies, default_key, c.warnings).apply(
        drafts
    )
    statements = [r.statement for rs in resolved.values() for r in rs]
    statements += [st for rp in c.resource_policies.values() for st in rp.statements]
    abac = any("ResourceTag/" in (st.condition or "") for st in statements)
    bounded = sorted(e.name for e in entities if e.boundary)
    if bounded:
        c.warnings.add(
            f"permissions boundaries are not evaluated; {len(bounded)} principal(s) have one "
            f"({', '.join(bounded[:5])}{', ...' if len(bounded) > 5 else ''}): "
            "their grants may be narrower than shown"
        )
    return to_rows(drafts, abac=abac)


def _result(
    c: Collected,
    grants: list[dict[str, Any]],
    principals: list[dict[str, Any]],
    secrets: list[dict[str, Any]],
) -> SnapshotResult:
    return finish_result(
        kinds=c.kinds, problems=c.problems, warnings=c.warnings,
        grants=grants, principals=principals, secrets=secrets,
    )  # fmt: skip
