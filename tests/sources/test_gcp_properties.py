"""Hypothesis: the GCP adapter never raises on arbitrary JSON-ish LogEntry-like input; every record
becomes a valid row, a skip or a quarantine row, the counts balance, and the rows do not depend on
the container (JSON lines or a gcloud array) or on how the records are split over files."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import schema
from ingest.pipeline import run_ingest
from queries.lake import connect

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(values, values, values, json_values)


times = maybe(
    st.sampled_from(
        [
            "2026-11-02T10:00:00Z",
            "2026-11-02T10:00:00.123456789Z",
            "2026-11-02T05:00:00-05:00",
            "2026-11-02 10:00:00.5 UTC",
            "1.7936e9",
            "not a time",
            "",
            "2026-13-40T99:00:00Z",
            "99999-01-01T00:00:00Z",
        ]
    )
)
resource_names = maybe(
    st.sampled_from(
        [
            "projects/acme-prod-1234/secrets/db/versions/latest",
            "projects/123456789012/secrets/db/versions/3",
            "projects/p/locations/europe-west1/secrets/db/versions/1",
            "//secretmanager.googleapis.com/projects/p/secrets/db",
            "projects/p",
            "projects//secrets//versions/",
            "projects/p/secrets/db/versions/1:access",
            "",
        ]
    )
)
methods = maybe(
    st.sampled_from(
        [
            "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion",
            "google.cloud.secretmanager.v1.SecretManagerService.DestroySecretVersion",
            "google.cloud.secretmanager.v1.SecretManagerService.SetIamPolicy",
            "SetIamPolicy",
            "AddSecretVersion",
            "",
            ".",
        ]
    )
)
services = maybe(
    st.sampled_from(
        ["secretmanager.googleapis.com", "cloudresourcemanager.googleapis.com", "k8s.io", ""]
    )
)
emails = maybe(
    st.sampled_from(
        ["app@p.iam.gserviceaccount.com", "alice@example.com", "", "redacted", "serviceAccount:x"]
    )
)
authn = st.fixed_dictionaries(
    {},
    optional={
        "principalEmail": emails,
        "principalSubject": emails,
        "serviceAccountKeyName": maybe(st.sampled_from(["//iam/keys/abc", "/keys/", "keys"])),
        "serviceAccountDelegationInfo": maybe(
            st.lists(
                st.one_of(
                    st.fixed_dictionaries(
                        {"firstPartyPrincipal": st.fixed_dictionaries({"principalEmail": emails})}
                    ),
                    st.fixed_dictionaries({"principalSubject": emails}),
                    st.fixed_dictionaries({"thirdPartyPrincipal": json_values}),
                    json_values,
                ),
                max_size=3,
            )
        ),
    },
)
payload = st.fixed_dictionaries(
    {},
    optional={
        "@type": maybe(st.just("type.googleapis.com/google.cloud.audit.AuditLog")),
        "serviceName": services,
        "methodName": methods,
        "resourceName": resource_names,
        "status": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "code": maybe(st.sampled_from([0, 5, 7, 16, "7"])),
                    "message": json_values,
                },
            )
        ),
        "authenticationInfo": maybe(authn),
        "authorizationInfo": maybe(
            st.lists(st.fixed_dictionaries({}, optional={"granted": json_values}), max_size=3)
        ),
        "requestMetadata": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "callerIp": maybe(st.sampled_from(["private", "192.0.2.1", "2001:db8::1"])),
                    "callerSuppliedUserAgent": maybe(st.just("grpc/1.0,gzip(gfe)")),
                },
            )
        ),
        "request": json_values,
        "response": json_values,
        "metadata": json_values,
        "serviceData": json_values,
        "requestJson": json_values,
    },
)
log_names = maybe(
    st.sampled_from(
        [
            "projects/acme-prod-1234/logs/cloudaudit.googleapis.com%2Fdata_access",
            "projects/acme-prod-1234/logs/cloudaudit.googleapis.com/policy",
            "organizations/1/logs/cloudaudit.googleapis.com%2Factivity",
            "projects/x/logs/stdout",
            "%zz",
        ]
    )
)
logentry = st.fixed_dictionaries(
    {
        "logName": log_names,
        "timestamp": times,
        "protoPayload": maybe(payload),
    },
    optional={
        "insertId": maybe(st.sampled_from(["a", "b", "c"])),
        "resource": json_values,
        "textPayload": json_values,
    },
)
bq_row = logentry.map(
    lambda d: {("protopayload_auditlog" if k == "protoPayload" else k): v for k, v in d.items()}
)
line = st.one_of(
    logentry.map(json.dumps),
    logentry.map(json.dumps),
    bq_row.map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=40).filter(lambda s: "\n" not in s and "\r" not in s),
    logentry.map(lambda d: json.dumps({"message": json.dumps(d)})),
    logentry.map(lambda d: "<14>gcp: " + json.dumps(d)),
)

VOCAB = schema.load().vocabularies
FIRST = json.dumps(
    {
        "insertId": "first",
        "logName": "projects/acme-prod-1234/logs/cloudaudit.googleapis.com%2Fdata_access",
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "secretmanager.googleapis.com",
        },
        "timestamp": "2026-11-02T10:00:00Z",
    }
)


def _events(lake: Path) -> list[tuple[Any, ...]]:
    return sorted(
        connect(lake)
        .sql(
            "SELECT event_id, event_time, store, action, outcome, principal_id, secret_id, "
            "secret_version, source_ip FROM events"
        )
        .fetchall()
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=12))
def test_adapter_never_raises_and_rows_validate(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in" / "sink.json"
        src.parent.mkdir()
        src.write_text("\n".join([FIRST, *lines]) + "\n", encoding="utf-8")
        report = run_ingest([src], Path(tmp) / "lake", source="gcp")
        (f,) = report.files
        assert f.source == "gcp"
        assert f.balanced(), f
        con = connect(Path(tmp) / "lake")
        rows = con.sql(
            "SELECT action, outcome, principal_type, event_time, store, event_id FROM events"
        ).fetchall()
        assert len(rows) == f.events_written
        for action, outcome, ptype, when, store, event_id in rows:
            assert action in VOCAB["action"]
            assert outcome in VOCAB["outcome"]
            assert ptype in VOCAB["principal_type"]
            assert when.tzinfo is not None and when.utcoffset() == UTC.utcoffset(None)
            assert store and event_id
        ((q,),) = con.sql("SELECT count(*) FROM quarantine").fetchall()
        assert q == f.quarantined
        assert all(reason.startswith("out of scope: ") for reason in f.skipped_reasons)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(logentry, min_size=1, max_size=8), st.integers(0, 8))
def test_rows_do_not_depend_on_container_or_file_split(
    records: list[dict[str, Any]], cut: int
) -> None:
    texts = [FIRST, *(json.dumps(r) for r in records)]
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one" / "sink.json"
        one.parent.mkdir()
        one.write_text("\n".join(texts) + "\n", encoding="utf-8")
        split = Path(tmp) / "split"
        split.mkdir()
        (split / "a.json").write_text("\n".join(texts[: cut + 1]) + "\n", encoding="utf-8")
        rest = [json.loads(t) for t in texts[cut + 1 :]]
        if rest:  # the rest as `gcloud logging read --format=json` prints it
            (split / "b.json").write_text(json.dumps(rest, indent=2), encoding="utf-8")
        run_ingest([one], Path(tmp) / "lake1", source="gcp")
        run_ingest([split], Path(tmp) / "lake2", source="gcp")
        assert _events(Path(tmp) / "lake1") == _events(Path(tmp) / "lake2")
