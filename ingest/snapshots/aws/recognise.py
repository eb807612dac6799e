"""Which AWS CLI output a JSON document is, by its shape (file names carry nothing reliable)."""

from __future__ import annotations

from typing import Any

from ingest.snapshots.aws.model import parse_secret_arn

_DETAIL_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList")
# Keys of DescribeSecret / SecretListEntry beyond ARN and Name.
_SECRET_KEYS = frozenset(
    {"Description", "KmsKeyId", "RotationEnabled", "RotationLambdaARN", "RotationRules",
     "LastRotatedDate", "LastChangedDate", "LastAccessedDate", "DeletedDate", "NextRotationDate",
     "Tags", "VersionIdsToStages", "SecretVersionsToStages", "OwningService", "CreatedDate",
     "PrimaryRegion", "ReplicationStatus", "RotationOccurringAsScheduled"}
)  # fmt: skip
_VALUE_KEYS = frozenset({"SecretString", "SecretBinary"})
_ENVELOPE = frozenset({"ResponseMetadata"})


def _is_iam_policy(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("PolicyVersionList"), list)


def _is_auth_details(doc: dict[str, Any]) -> bool:
    if any(isinstance(doc.get(k), list) for k in _DETAIL_LISTS):
        return True
    policies = doc.get("Policies")
    return isinstance(policies, list) and bool(policies) and all(map(_is_iam_policy, policies))


def _secret_kind(item: Any) -> str | None:
    """The kind of one object that names a secret by its ARN, or None."""
    if not isinstance(item, dict) or parse_secret_arn(item.get("ARN")) is None:
        return None
    keys = set(item) - _ENVELOPE
    if keys & _VALUE_KEYS:
        return "secret_value"
    if "ResourcePolicy" in keys or keys <= {"ARN", "Name"}:
        return "secret_resource_policy"
    if keys & _SECRET_KEYS:
        return "secret_description"
    return None


def recognise(payload: Any, api_path: str | None = None) -> str | None:
    """The kind of AWS snapshot (see ``model.KINDS``), or None. Never raises.

    >>> recognise({"SecretList": [], "NextToken": None}, None)
    'secret_list'
    >>> recognise({"ARN": "arn:aws:secretsmanager:us-east-1:111122223333:secret:a-AbCdEf",
    ...            "Name": "a", "ResourcePolicy": "{}"}, None)
    'secret_resource_policy'
    """
    del api_path  # AWS outputs are recognised by shape only
    try:
        return _recognise(payload)
    except Exception:  # a recogniser must never raise, whatever the input
        return None


def _recognise(payload: Any) -> str | None:
    if isinstance(payload, dict):
        if isinstance(payload.get("SecretList"), list):
            return "secret_list"
        if _is_auth_details(payload):
            return "iam_authorization_details"
        return _secret_kind(payload)
    if isinstance(payload, list) and payload:
        kinds = {_secret_kind(item) for item in payload}
        if None in kinds:
            return None
        if "secret_value" in kinds:
            return "secret_value"
        if all(set(item) - _ENVELOPE <= {"ARN", "Name"} for item in payload):
            return "secret_list"  # --query 'SecretList[].{ARN: ARN, Name: Name}'
        if len(kinds) == 1:
            kind = kinds.pop()
            # --query SecretList (list-secrets) or describe-secret outputs gathered with jq -s
            return "secret_list" if kind == "secret_description" else kind
    return None
