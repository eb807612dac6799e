"""IAM members (``user:``, ``serviceAccount:``, ``group:``, ...) -> principal id and type.

Users and service accounts keep their e-mail as id, the value audit logs carry in
``authenticationInfo.principalEmail``; every other kind keeps a prefix so it never collides
with an e-mail.

>>> parse_member("serviceAccount:Payments-API@acme-prod-1234.iam.gserviceaccount.com")
Member(raw='serviceAccount:Payments-API@acme-prod-1234.iam.gserviceaccount.com', \
principal_id='payments-api@acme-prod-1234.iam.gserviceaccount.com', principal_type='service', \
email='payments-api@acme-prod-1234.iam.gserviceaccount.com', deleted=False, public=False)
>>> parse_member("deleted:user:erin@acme.example?uid=123").principal_id
'deleted:user:erin@acme.example?uid=123'
>>> parse_member("allUsers").public
True
"""

from __future__ import annotations

from dataclasses import dataclass

PUBLIC_MEMBERS = {
    "allUsers": "anyone on the internet",
    "allAuthenticatedUsers": "anyone with a Google account",
}
# Legacy convenience members of bucket ACLs; they name the holders of a basic role.
_CONVENIENCE = ("projectOwner:", "projectEditor:", "projectViewer:")
_KNOWN_KINDS = frozenset(
    {"user", "serviceAccount", "group", "domain", "deleted"} | {c.rstrip(":") for c in _CONVENIENCE}
)


@dataclass(frozen=True)
class Member:
    raw: str  # as written in the policy
    principal_id: str
    principal_type: str  # human, service, group or unknown
    email: str | None
    deleted: bool
    public: bool

    @property
    def name(self) -> str:
        if self.public:
            return f"{self.raw} (public: {PUBLIC_MEMBERS[self.raw]})"
        return self.email or self.raw


def _email_type(email: str) -> str:
    return "service" if email.endswith("gserviceaccount.com") else "human"


def _federated_type(raw: str) -> str:
    if "/workforcePools/" in raw:
        return "human"
    if "/workloadIdentityPools/" in raw:
        return "service"
    return "unknown"


def parse_member(raw: object) -> Member | None:
    """The member as a principal; None for a value that is not a non-empty string."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip()
    if text in PUBLIC_MEMBERS:
        return Member(text, text, "group", None, deleted=False, public=True)
    if text.startswith("deleted:"):
        inner = parse_member(text[len("deleted:") :].split("?", 1)[0])
        kind = inner.principal_type if inner else "unknown"
        email = inner.email if inner else None
        return Member(text, text, kind, email, deleted=True, public=False)
    kind, _, value = text.partition(":")
    value = value.strip()
    if kind in _KNOWN_KINDS and not value:
        return None  # "user:" with nothing after it names nobody
    if text.startswith(("principal://", "principalSet://")):
        is_set = text.startswith("principalSet://")
        return Member(text, text, "group" if is_set else _federated_type(text), None, False, False)
    if kind in ("user", "serviceAccount") and value:
        email = value.lower()
        principal_type = "service" if kind == "serviceAccount" else _email_type(email)
        return Member(text, email, principal_type, email, deleted=False, public=False)
    if kind == "group" and value:
        return Member(text, f"group:{value.lower()}", "group", value.lower(), False, False)
    if kind == "domain" and value:
        return Member(text, f"domain:{value.lower()}", "group", None, False, False)
    if text.startswith(_CONVENIENCE):
        return Member(text, text, "group", None, deleted=False, public=False)
    return Member(text, text, "unknown", None, deleted=False, public=False)
