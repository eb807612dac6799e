"""Writes the input files of the k8s snapshot golden cases (run once; inputs are committed).

python -m ingest.snapshots.k8s.cases.make_cases; then python -m ingest.snapshots.goldens k8s
and review every expected.json. All values are fake; the Secret data is a canary string.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
RBAC = "rbac.authorization.k8s.io/v1"
CANARY = "kt-canary-snapshot-5e1f-NOT-A-REAL-SECRET"
B64 = base64.b64encode(CANARY.encode()).decode()


def meta(name: str, ns: str | None = None, **extra: Any) -> dict[str, Any]:
    m: dict[str, Any] = {"name": name, "uid": f"00000000-0000-4000-8000-{sum(map(ord, name)) * 7919:012d}",
                         "resourceVersion": "4242", "creationTimestamp": "2026-03-02T10:00:00Z"}
    if ns:
        m["namespace"] = ns
    m.update(extra)
    return m


def role(name: str, ns: str | None, rules: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    out = {"apiVersion": RBAC, "kind": "Role" if ns else "ClusterRole", "metadata": meta(name, ns, **kw.pop("m", {})),
           "rules": rules}
    out.update(kw)
    return out


def rule(verbs: list[str], resources: list[str] | None = None, groups: list[str] | None = None,
         names: list[str] | None = None) -> dict[str, Any]:
    r: dict[str, Any] = {"apiGroups": groups if groups is not None else [""],
                         "resources": resources or ["secrets"], "verbs": verbs}
    if names:
        r["resourceNames"] = names
    return r


def binding(name: str, ns: str | None, role_kind: str, role_name: str,
            subjects: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": RBAC, "kind": "RoleBinding" if ns else "ClusterRoleBinding",
            "metadata": meta(name, ns),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_name},
            "subjects": subjects}


def sa(name: str, ns: str | None) -> dict[str, Any]:
    s = {"kind": "ServiceAccount", "name": name}
    if ns:
        s["namespace"] = ns
    return s


def user(name: str) -> dict[str, Any]:
    return {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": name}


def group(name: str) -> dict[str, Any]:
    return {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": name}


def klist(items: list[dict[str, Any]], kind: str = "List") -> dict[str, Any]:
    return {"apiVersion": "v1", "items": items, "kind": kind, "metadata": {"resourceVersion": ""}}


def write(case: str, name: str, doc: Any, store: str | None = "acme-prod-eks") -> None:
    path = HERE / case / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=4) + "\n", encoding="utf-8")
    if store:
        (HERE / case / "store.txt").write_text(store + "\n", encoding="utf-8")


def story_rbac() -> list[dict[str, Any]]:
    return [
        role("ci-runner", None, [rule(["*"]), rule(["get", "list"], ["pods", "pods/log"])]),
        binding("ci-runner", None, "ClusterRole", "ci-runner", [sa("runner", "ci")]),
        role("payments-api-secrets", "payments",
             [rule(["get"], names=["payments-db", "stripe-api"])]),
        binding("payments-api-secrets", "payments", "Role", "payments-api-secrets",
                [sa("payments-api", "payments")]),
    ]


def list_all_kinds() -> None:
    """One `kubectl get roles,clusterroles,rolebindings,clusterrolebindings -A -o json`."""
    write("list_all_kinds", "rbac.json", klist(story_rbac()))


def separate_files() -> None:
    """Typed lists per kind, items without kind; a binding whose role is not exported."""
    items = story_rbac()
    for i in items:
        i.pop("kind")
    write("separate_files", "clusterroles.json", klist([items[0]], "ClusterRoleList"))
    write("separate_files", "clusterrolebindings.json",
          klist([items[1], binding("ghost", None, "ClusterRole", "not-exported", [user("bob@acme.example")])],
                "ClusterRoleBindingList"))
    write("separate_files", "roles.json", klist([items[2]], "RoleList"))
    write("separate_files", "rolebindings.json", klist([items[3]], "RoleBindingList"))


def wildcards_and_scope() -> None:
    """`*` in apiGroups/resources/verbs; other resources and groups ignored; a RoleBinding of a
    ClusterRole applies in its namespace only; a single object export."""
    write("wildcards_and_scope", "rbac.json", klist([
        role("admin-ish", None, [rule(["*"], ["*"], ["*"])]),
        role("reader", None, [rule(["get", "list", "watch"])]),
        role("no-secrets", None, [rule(["*"], ["configmaps"]), rule(["get"], ["secrets"], ["apps"])]),
        role("impersonator", None, [rule(["impersonate"], ["secrets"])]),
        binding("web-readers", "web", "ClusterRole", "reader", [group("web-devs")]),
        binding("break-glass", None, "ClusterRole", "admin-ish", [user("alice@acme.example")]),
        binding("nothing", None, "ClusterRole", "no-secrets", [user("carol@acme.example")]),
        binding("odd", None, "ClusterRole", "impersonator", [user("dave@acme.example")]),
    ]))
    write("wildcards_and_scope", "single-role.json",
          role("cert-reader", "tls", [rule(["get"], names=["wildcard-tls"])]))


def aggregated_clusterrole() -> None:
    """aggregationRule: materialized rules used as exported; missing ones rebuilt by label."""
    sel = {"clusterRoleSelectors": [{"matchLabels": {"rbac.acme.example/aggregate-to-ops": "true"}}]}
    write("aggregated_clusterrole", "clusterroles.json", klist([
        role("ops", None, [], aggregationRule=sel),
        role("ops-secrets", None, [rule(["get", "list"])],
             m={"labels": {"rbac.acme.example/aggregate-to-ops": "true"}}),
        role("ops-other", None, [rule(["delete"], names=["scratch"])],
             m={"labels": {"rbac.acme.example/aggregate-to-ops": "true"}}),
        role("edit", None, [rule(["create", "update", "patch", "delete"])], aggregationRule=sel),
        binding("ops", None, "ClusterRole", "ops", [group("ops")]),
        binding("editors", None, "ClusterRole", "edit", [user("bob@acme.example")]),
    ]))


def subject_kinds() -> None:
    """User, Group, ServiceAccount (namespace from the binding), system users, odd subjects."""
    write("subject_kinds", "rbac.json", klist([
        role("secret-reader", "payments", [rule(["get", "watch", "list"])]),
        binding("mixed", "payments", "Role", "secret-reader", [
            sa("payments-api", None), user("system:kube-controller-manager"),
            user("ci-bot@acme-prod-1234.iam.gserviceaccount.com"), group("system:masters"),
            {"kind": "Robot", "name": "x"}, {"kind": "User"}]),
    ]), store=None)


def secrets_inventory() -> None:
    """`kubectl get secrets -A -o json`: data and last-applied annotations never reach a row."""
    last_applied = json.dumps({"apiVersion": "v1", "kind": "Secret", "stringData": {"password": CANARY}})
    write("secrets_inventory", "secrets.json", klist([
        {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "data": {"password": B64},
         "metadata": meta("payments-db", "payments", labels={"app": "payments", "team": "dba"},
                          annotations={"kubectl.kubernetes.io/last-applied-configuration": last_applied},
                          managedFields=[{"manager": "kubectl", "operation": "Update",
                                          "time": "2026-11-18T10:02:11Z"},
                                         {"manager": "kubectl-create", "operation": "Update",
                                          "time": "2026-03-02T10:00:00Z"}])},
        {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
         "data": {"tls.crt": B64, "tls.key": B64},
         "metadata": meta("web-tls", "web", ownerReferences=[{"apiVersion": "cert-manager.io/v1",
                          "kind": "Certificate", "name": "web", "uid": "1"}])},
        {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "data": {"k": B64},
         "metadata": meta("old-token", "ci", deletionTimestamp="2026-11-19T08:00:00Z")},
    ]))
    write("secrets_inventory", "metadata-only.json", klist([
        {"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata",
         "metadata": meta("bootstrap-token-abcdef", "kube-system")}], "PartialObjectMetadataList"))


def malformed_and_empty() -> None:
    """Empty lists, foreign JSON, items without names: reported, never a crash."""
    write("malformed_and_empty", "empty.json", klist([]))
    write("malformed_and_empty", "not-k8s.json", {"bindings": [], "etag": "x"})
    write("malformed_and_empty", "nameless.json", klist([
        {"apiVersion": RBAC, "kind": "Role", "metadata": {"namespace": "x"}, "rules": []},
        {"apiVersion": RBAC, "kind": "ClusterRoleBinding", "metadata": {"name": "b"},
         "roleRef": {"kind": "ClusterRole"}, "subjects": []},
        role("fine", "x", [rule(["get"])]),
        binding("fine", "x", "Role", "fine", [user("erin@acme.example")]),
    ]))


CASES = (list_all_kinds, separate_files, wildcards_and_scope, aggregated_clusterrole,
         subject_kinds, secrets_inventory, malformed_and_empty)

if __name__ == "__main__":
    for case in CASES:
        for old in (HERE / case.__name__).glob("*"):  # inputs only; expected.json is reviewed
            if old.name != "expected.json":
                shutil.rmtree(old) if old.is_dir() else old.unlink()
        case()
        print("wrote", case.__name__)
