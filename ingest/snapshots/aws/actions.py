"""The Secrets Manager IAM actions and their place in keytrail's action vocabulary.

From the Service Authorization Reference for AWS Secrets Manager. ``GetRandomPassword`` is left
out: it involves no secret. ``ListSecrets`` and ``BatchGetSecretValue`` have no resource type:
a statement grants them only when its ``Resource`` matches ``*`` itself, and they are evaluated
against the request resource ``*``, not a secret ARN.
"""

from __future__ import annotations

from collections.abc import Iterable

SERVICE = "secretsmanager"

# IAM action -> normalized action (FORMATS §0.1 / §2(c)).
ACTION_MAP: dict[str, str] = {
    "GetSecretValue": "read",
    "BatchGetSecretValue": "read",
    "DescribeSecret": "describe",
    "GetResourcePolicy": "describe",
    "ValidateResourcePolicy": "describe",
    "ListSecrets": "list",
    "ListSecretVersionIds": "list",
    "PutSecretValue": "write",
    "UpdateSecret": "write",
    "UpdateSecretVersionStage": "write",
    "CreateSecret": "create",
    "DeleteSecret": "delete",
    "RestoreSecret": "restore",
    "RotateSecret": "rotate",
    "CancelRotateSecret": "rotate",
    "PutResourcePolicy": "permission_change",
    "DeleteResourcePolicy": "permission_change",
    "TagResource": "other",
    "UntagResource": "other",
    "ReplicateSecretToRegions": "other",
    "RemoveRegionsFromReplication": "other",
    "StopReplicationToReplica": "other",
}
ALL_ACTIONS: frozenset[str] = frozenset(ACTION_MAP)
NON_RESOURCE: frozenset[str] = frozenset({"ListSecrets", "BatchGetSecretValue"})
RESOURCE_LEVEL: frozenset[str] = ALL_ACTIONS - NON_RESOURCE
# With attribute-based access control (conditions on resource tags), tagging changes who may
# read: FORMATS §2(c) says treat Tag/UntagResource as permission_change then.
TAG_ACTIONS = frozenset({"TagResource", "UntagResource"})


def capability(action: str) -> str:
    """``GetSecretValue`` -> ``secretsmanager:GetSecretValue`` (the IAM action name)."""
    return f"{SERVICE}:{action}"


def vocabulary_actions(actions: Iterable[str], *, abac: bool) -> list[str]:
    """Sorted normalized actions of some IAM actions (names without the service prefix)."""
    out = set()
    for action in actions:
        if abac and action in TAG_ACTIONS:
            out.add("permission_change")
        elif action in ACTION_MAP:
            out.add(ACTION_MAP[action])
    return sorted(out)
