"""Canonical Azure Key Vault object ids, shared by the audit mapping and (later) the snapshot
importers, so that an event and an inventory row of one secret carry the same ``secret_id``.

``azure://<vault host>/<secrets|keys|certificates>/<name>``, lower-case: vault hosts and object
names are case-insensitive in Key Vault, and logs, ``az`` output and the portal spell them
differently. The version is kept apart. ``/deletedsecrets/<name>`` (and the keys and certificates
equivalents) fold into the live collection, so every operation on one secret has one id.

``mapping.sql`` implements the same rules column-wise with the same string operations;
``tests/sources/test_azure_ids.py`` checks that both agree on awkward URIs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Collection segment of a data-plane URI -> the collection of the canonical id.
COLLECTIONS: dict[str, str] = {
    "secrets": "secrets",
    "deletedsecrets": "secrets",
    "keys": "keys",
    "deletedkeys": "keys",
    "certificates": "certificates",
    "deletedcertificates": "certificates",
}
# Segments in the name position that are API verbs or sub-resources, not object names, for the
# operations that use them: POST /secrets/restore, /certificates/issuers/<issuer>,
# /certificates/contacts. (A secret may well be called "restore": SecretGet on it is an object.)
RESTORE_VERB = "restore"
CERTIFICATE_SUBRESOURCES = frozenset({"issuers", "contacts"})
CERTIFICATE_CONFIG_OPERATIONS = ("certificateissuer", "certificatecontacts")
DEFAULT_DNS_SUFFIX = "vault.azure.net"
_VERSION = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class ObjectRef:
    """A Key Vault object named by a data-plane URI."""

    host: str  # lower-case host as logged, e.g. acme-prod-kv.vault.azure.net
    collection: str  # secrets, keys or certificates
    name: str  # as logged (display); the id lower-cases it
    version: str | None  # 32 lower-case hex digits, when the URI names one

    def secret_id(self, store: str) -> str:
        """The canonical id; a host that is not a Key Vault name (an anonymised sample, a
        proxy) is replaced by ``<store>.vault.azure.net``."""
        host = self.host if is_vault_host(self.host) else f"{store}.{DEFAULT_DNS_SUFFIX}"
        return f"azure://{host}/{self.collection}/{self.name.lower()}"


def is_vault_host(host: str) -> bool:
    """``<name>.vault.<cloud suffix>`` or ``<name>.managedhsm.<cloud suffix>``."""
    labels = host.split(".")
    return len(labels) >= 3 and labels[1] in ("vault", "managedhsm") and all(labels[:3])


def split_uri(uri: str) -> tuple[str, str] | None:
    """(lower-case host, path without leading slashes, ``//`` folded once) of an http(s) URI."""
    if not uri.lower().startswith(("https://", "http://")):
        return None
    rest = uri.split("://", 1)[1]
    authority = rest.split("/", 1)[0]
    host = authority.split(":", 1)[0].split("?", 1)[0].split("#", 1)[0].lower()
    if "?" in authority or "#" in authority:
        return host, ""
    path = rest[len(authority) :].split("?", 1)[0].split("#", 1)[0]
    return host, path.replace("//", "/").lstrip("/")


def vault_of_uri(uri: str) -> str | None:
    """The vault named by the host of a data-plane URI (``properties.id``, ``requestUri``)."""
    parts = split_uri(uri)
    if parts is None or not is_vault_host(parts[0]):
        return None
    return parts[0].split(".", 1)[0]


def parse_object_uri(uri: str, operation: str = "") -> ObjectRef | None:
    """The object a ``properties.id`` / ``requestUri`` names, or None (list, vault-level and
    control-plane URIs). ``operation`` (the operationName) resolves ``/secrets/restore``: a
    restore's verb, not a secret named ``restore``."""
    parts = split_uri(uri)
    if parts is None:
        return None
    host, path = parts
    segments = [*path.split("/"), "", ""]
    coll, name, tail = segments[0].lower(), segments[1], segments[2].lower()
    if coll not in COLLECTIONS or not name:
        return None
    op, lname = operation.lower(), name.lower()
    if (lname == RESTORE_VERB and op.endswith(RESTORE_VERB)) or (
        coll.endswith("certificates")
        and lname in CERTIFICATE_SUBRESOURCES
        and op.startswith(CERTIFICATE_CONFIG_OPERATIONS)
    ):
        return None
    version = tail if _VERSION.fullmatch(tail) else None
    return ObjectRef(host, COLLECTIONS[coll], name, version)


def vault_from_resource_id(resource_id: str) -> str | None:
    """The vault (or managed HSM) name of an ARM resource id, lower-case."""
    tail = resource_id.lower().split("/providers/", 1)
    if len(tail) < 2:
        return None
    parts = [*tail[1].split("/"), "", ""]
    if parts[0] == "microsoft.keyvault" and parts[1] in ("vaults", "managedhsms") and parts[2]:
        return parts[2]
    return None
