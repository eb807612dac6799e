"""Seeded, realistic AWS CloudTrail trail delivery to S3 (FORMATS.md §2), Secrets Manager in focus.

``generate_cloudtrail(out_dir, events=N, seed=7)`` writes exactly ``N`` CloudTrail records into
``AWSLogs/<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<account>_CloudTrail_<region>_
<YYYYMMDDTHHmmZ>_<16 random>.json.gz`` objects (gzip, one minified ``{"Records":[...]}`` each,
1,000-5,000 records), plus one ``CloudTrail-Digest`` object per account, region and day, and
returns every path written. Same arguments => same bytes. What the stream models:

* three accounts, one to three regions each; Zipf secret popularity per account and region;
  secrets named by name (most callers), full ARN or partial ARN.
* principals: EC2 instance roles, Lambda functions (also the rotation Lambda), EKS IRSA (web
  identity) roles, CI IAM users with long-term ``AKIA`` keys, people through IAM Identity Center
  permission-set roles, a console IAM user, rarely root; a cross-account reader whose reads are
  recorded in both accounts (same ``sharedEventID``).
* a diurnal rhythm: services around the clock, a nightly batch at 02:00 UTC, people on weekday
  working hours in three time zones.
* Secrets Manager calls (GetSecretValue with the KMS ``Decrypt`` secretsmanager makes for it,
  Describe/List, BatchGetSecretValue with its per-secret GetSecretValue records, writes, tags,
  policies, create/delete/restore), role assumptions and console sign-ins, IAM policy changes,
  rotation runs (``RotationStarted`` ... ``RotationSucceeded`` / ``RotationFailed`` service events
  around the rotation Lambda's calls); ~2% denials, a few not-found and throttling errors.
* ~20% of records from unrelated services (EC2, S3, STS GetCallerIdentity, the applications'
  own KMS use, CloudWatch, DynamoDB, SSM ...), as a real trail carries them.
* at-least-once delivery: ~0.2% of records appear again in the next file of their stream.

CLI: ``python -m ingest.synth.cloudtrail --events N --out DIR [--seed 7]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from bisect import bisect
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

import numpy as np

from ingest.synth._clock import human_activity, parse_utc

__all__ = ["DEFAULT_START", "generate_cloudtrail"]

DEFAULT_START = "2026-11-01T00:00:00Z"
STREAMS = (  # (account, region, share of the activity)
    ("111122223333", "us-east-1", 0.34),
    ("111122223333", "eu-west-1", 0.16),
    ("111122223333", "us-west-2", 0.08),
    ("444455556666", "us-east-1", 0.22),
    ("444455556666", "eu-west-1", 0.08),
    ("777788889999", "us-east-1", 0.12),
)
TZ = ((-300, 0.45), (60, 0.40), (330, 0.15))  # people: (UTC offset minutes, share)
OUT_OF_SCOPE_SHARE = 0.20
DENY_RATE = 0.02
DUPLICATE_RATE = 0.002
SM = "secretsmanager.amazonaws.com"
TEAMS = ("payments", "billing", "search", "checkout", "identity", "reports", "ledger", "ml")
THINGS = ("db", "api-key", "oauth-client", "signing-key", "smtp", "webhook", "redis", "kafka")
UA_BOTO = (
    "Boto3/1.35.{v} md/Botocore#1.35.{v} ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6"
)
UA_CLI = (
    "aws-cli/2.17.{v} md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6 "
    "md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#{cmd}"
)
UA_SDK_GO = (
    "aws-sdk-go-v2/1.30.{v} os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 "
    "api/secretsmanager#1.32.{v}"
)
OTHER_CALLS = (  # unrelated services a trail also carries: (eventSource, eventName, readOnly)
    ("ec2.amazonaws.com", "DescribeInstances", True),
    ("s3.amazonaws.com", "GetBucketAcl", True),
    ("sts.amazonaws.com", "GetCallerIdentity", True),
    ("kms.amazonaws.com", "Decrypt", True),
    ("logs.amazonaws.com", "CreateLogStream", False),
    ("monitoring.amazonaws.com", "PutMetricData", False),
    ("dynamodb.amazonaws.com", "DescribeTable", True),
    ("ssm.amazonaws.com", "GetParameter", True),
    ("lambda.amazonaws.com", "GetFunction", True),
    ("ecr.amazonaws.com", "GetAuthorizationToken", True),
    ("elasticloadbalancing.amazonaws.com", "DescribeTargetHealth", True),
)


def _global(stream: int) -> int:
    """The us-east-1 stream of a stream's account: where IAM and console sign-in events land."""
    acct = STREAMS[stream][0]
    return next(
        i for i, (a, region, _) in enumerate(STREAMS) if a == acct and region == "us-east-1"
    )


@dataclass
class Actor:
    idx: int
    kind: str  # ec2, lambda, eks, ci, sso, console, root, cross
    stream: int  # home stream (account, region)
    name: str
    ip: str
    ua: str
    ref: str  # how it names secrets: name, arn, partial
    favourites: list[int] = field(default_factory=list)
    identities: dict[int, str] = field(default_factory=dict)  # hour -> userIdentity JSON


@dataclass
class Secret:
    name: str
    arn: str
    partial: str


class _World:
    """Accounts, secrets and principals, built from the seed."""

    def __init__(self, rng: random.Random, secrets: int, principals: int) -> None:
        self.rng = rng
        shares = [s for _, _, s in STREAMS]
        self.stream_cum = list(accumulate(shares))
        self.secrets: list[list[Secret]] = []
        self.zipf: list[list[float]] = []
        for i, (acct, region, share) in enumerate(STREAMS):
            n = max(8, round(secrets * share))
            names = self._names(n, i)
            sec = []
            for name in names:
                suffix = "".join(
                    rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789")
                    for _ in range(6)
                )
                base = f"arn:aws:secretsmanager:{region}:{acct}:secret:{name}"
                sec.append(Secret(name, f"{base}-{suffix}", base))
            self.secrets.append(sec)
            self.zipf.append(list(accumulate(1.0 / (r + 1) ** 1.1 for r in range(n))))
        self.actors: list[Actor] = []
        mix = (
            ("ec2", 0.30),
            ("lambda", 0.16),
            ("eks", 0.22),
            ("ci", 0.05),
            ("sso", 0.22),
            ("console", 0.02),
            ("cross", 0.03),
        )
        cum = list(accumulate(w for _, w in mix))
        for i in range(max(principals, 12)):
            kind = (
                mix[bisect(cum, rng.random() * cum[-1])][0]
                if i >= 3
                else ("ec2", "lambda", "sso")[i]
            )
            self.actors.append(self._actor(i, kind))
        self.actors.append(self._actor(len(self.actors), "root"))
        self.rotator = self._actor(len(self.actors), "lambda")
        self.rotator.name = "secrets-rotation"
        self.pools = {
            "service": [
                a for a in self.actors if a.kind in ("ec2", "lambda", "eks", "ci", "cross")
            ],
            "batch": [a for a in self.actors if a.kind in ("lambda", "eks")],
            "human": [a for a in self.actors if a.kind in ("sso", "console")],
        }

    def _names(self, n: int, stream: int) -> list[str]:
        out: list[str] = []
        envs = ("prod", "prod", "staging", "dev")
        while len(out) < n:
            k = len(out)
            team, thing = TEAMS[(k // 4 + stream) % len(TEAMS)], THINGS[(k // 32) % len(THINGS)]
            name = f"{envs[k % 4]}/{team}/{thing}"
            if k >= 256:
                name += f"-{k // 256}"
            if k == 5:  # a name with hyphens that looks like it carries a suffix
                name = "legacy/app-config"
            out.append(name)
        return out

    def pick_stream(self) -> int:
        return bisect(self.stream_cum, self.rng.random() * self.stream_cum[-1])

    def _actor(self, i: int, kind: str) -> Actor:
        rng = self.rng
        stream = self.pick_stream()
        team = TEAMS[i % len(TEAMS)]
        v = rng.randrange(10, 60)
        if kind in ("sso", "console", "root"):
            ip = f"{rng.choice(('203.0.113', '198.51.100'))}.{rng.randrange(2, 250)}"
            ua = UA_CLI.format(v=v, cmd="secretsmanager.get-secret-value")
        elif kind == "ci":
            ip = f"192.0.2.{rng.randrange(2, 250)}"
            ua = UA_CLI.format(v=v, cmd="secretsmanager.get-secret-value")
        else:
            ip = f"10.{rng.randrange(0, 40)}.{rng.randrange(0, 255)}.{rng.randrange(2, 250)}"
            ua = UA_SDK_GO.format(v=v) if kind == "eks" else UA_BOTO.format(v=v)
            if kind == "lambda":
                ua += " exec-env/AWS_Lambda_python3.12"
        names = {
            "ec2": f"{team}-app",
            "lambda": f"{team}-fn-{i}",
            "eks": f"{team}-api-irsa",
            "ci": f"ci-{team}",
            "sso": f"user{i}@example.com",
            "console": f"ops{i}",
            "root": "root",
            "cross": f"{team}-reader",
        }
        ref = rng.choices(("name", "arn", "partial"), (0.6, 0.3, 0.1))[0]
        actor = Actor(i, kind, stream, names[kind], ip, ua, ref)
        actor.favourites = [self.zipf_pick(stream) for _ in range(3)]
        return actor

    def zipf_pick(self, stream: int) -> int:
        cum = self.zipf[stream]
        return bisect(cum, self.rng.random() * cum[-1])


class _Writer:
    """Per stream buffers cut into S3 objects; gzip and disk writes run on a helper thread."""

    def __init__(self, out: Path, rng: random.Random, level: int, lo: int, hi: int) -> None:
        self.out = out
        self.rng = rng
        self.level = level
        self.lo, self.hi = lo, hi
        self.buffers: list[list[str]] = [[] for _ in STREAMS]
        self.targets = [rng.randint(lo, hi) for _ in STREAMS]
        self.last_t = [0] * len(STREAMS)
        self.paths: list[Path] = []
        self.by_day: dict[tuple[int, str], list[str]] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="synth-gzip")
        self.pending: list[Future[None]] = []
        self.carry: list[list[str]] = [[] for _ in STREAMS]

    def add(self, stream: int, rec: str, t: int) -> None:
        buf = self.buffers[stream]
        buf.append(rec)
        self.last_t[stream] = t
        if len(buf) >= self.targets[stream]:
            self.flush(stream)

    def flush(self, stream: int) -> None:
        buf = self.buffers[stream]
        if not buf:
            return
        acct, region, _ = STREAMS[stream]
        delivered = datetime.fromtimestamp(
            self.last_t[stream] + 300 - self.last_t[stream] % 300, UTC
        )
        rand = "".join(
            self.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
            for _ in range(16)
        )
        key = (
            f"AWSLogs/{acct}/CloudTrail/{region}/{delivered:%Y/%m/%d}/"
            f"{acct}_CloudTrail_{region}_{delivered:%Y%m%dT%H%MZ}_{rand}.json.gz"
        )
        self.by_day.setdefault((stream, f"{delivered:%Y/%m/%d}"), []).append(key)
        # at-least-once delivery: a few records show up again in the next file
        n_dup = sum(1 for _ in range(len(buf)) if self.rng.random() < DUPLICATE_RATE)
        self.carry[stream] = self.rng.sample(buf, n_dup) if n_dup else []
        self._write(key, "".join(('{"Records":[', ",".join(buf), "]}")))
        self.buffers[stream] = []
        self.targets[stream] = self.rng.randint(self.lo, self.hi)

    def _write(self, key: str, text: str) -> None:
        path = self.out / key
        self.paths.append(path)
        level = self.level

        def job() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(gzip.compress(text.encode(), compresslevel=level, mtime=0))

        while len(self.pending) >= 2:
            self.pending.pop(0).result()
        self.pending.append(self.pool.submit(job))

    def digests(self) -> None:
        for (stream, day), keys in sorted(self.by_day.items()):
            acct, region, _ = STREAMS[stream]
            stamp = day.replace("/", "") + "T235959Z"
            key = (
                f"AWSLogs/{acct}/CloudTrail-Digest/{region}/{day}/"
                f"{acct}_CloudTrail-Digest_{region}_management-trail_us-east-1_{stamp}.json.gz"
            )
            doc = {
                "awsAccountId": acct,
                "digestStartTime": f"{day.replace('/', '-')}T00:00:00Z",
                "digestEndTime": f"{day.replace('/', '-')}T23:59:59Z",
                "digestS3Bucket": "example-trail-bucket",
                "digestS3Object": key,
                "digestPublicKeyFingerprint": "0123456789abcdef0123456789abcdef",
                "digestSignatureAlgorithm": "SHA256withRSA",
                "previousDigestHashAlgorithm": "SHA-256",
                "logFiles": [
                    {
                        "s3Bucket": "example-trail-bucket",
                        "s3Object": k,
                        "hashValue": "00" * 32,
                        "hashAlgorithm": "SHA-256",
                    }
                    for k in keys
                ],
            }
            self._write(key, json.dumps(doc, separators=(",", ":")))

    def close(self) -> None:
        for f in self.pending:
            f.result()
        self.pool.shutdown(wait=True)


class _Stream:
    """The record renderer: one unit of activity -> its CloudTrail records."""

    def __init__(self, world: _World, writer: _Writer, rng: random.Random, start_s: int) -> None:
        self.w = world
        self.out = writer
        self.rng = rng
        self.start_s = start_s
        self.getrandbits = rng.getrandbits
        self.rand = rng.random
        self.days: dict[int, str] = {}
        self.hms = [
            f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
        ]
        self.emitted = 0
        self.limit = 0

    # -- small helpers -------------------------------------------------------------------------
    def uid(self) -> str:
        h = f"{self.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def ts(self, t: int) -> str:
        d, sod = divmod(t, 86400)
        day = self.days.get(d)
        if day is None:
            day = self.days[d] = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=d)).strftime(
                "%Y-%m-%dT"
            )
        return f"{day}{self.hms[sod]}Z"

    def emit(self, stream: int, rec: str, t: int) -> bool:
        if self.emitted >= self.limit:
            return False
        self.emitted += 1
        self.out.add(stream, rec, t)
        carry = self.out.carry[stream]
        while carry and self.emitted < self.limit:
            self.emitted += 1
            self.out.add(stream, carry.pop(), t)
        return True

    def key(self, a: Actor, hour: int) -> str:
        prefix = "AKIA" if a.kind == "ci" else "ASIA"
        return f"{prefix}EX{a.idx:04X}{(0 if a.kind == 'ci' else hour) & 0xFFFFFF:06X}"

    def identity(self, a: Actor, hour: int) -> str:
        ident = a.identities.get(hour)
        if ident is not None:
            return ident
        acct = STREAMS[a.stream][0]
        key = self.key(a, hour)
        if a.kind == "ci":
            ident = (
                f'{{"type":"IAMUser","principalId":"AIDAEX{a.idx:014X}","arn":"arn:aws:iam::{acct}:user/{a.name}",'
                f'"accountId":"{acct}","accessKeyId":"{key}","userName":"{a.name}"}}'
            )
        elif a.kind == "console":
            ident = (
                f'{{"type":"IAMUser","principalId":"AIDAEX{a.idx:014X}","arn":"arn:aws:iam::{acct}:user/{a.name}",'
                f'"accountId":"{acct}","accessKeyId":"{key}","userName":"{a.name}","sessionContext":{{"attributes":'
                f'{{"creationDate":"{self.ts(hour * 3600)}","mfaAuthenticated":"true"}}}}}}'
            )
        elif a.kind == "root":
            ident = (
                f'{{"type":"Root","principalId":"{acct}","arn":"arn:aws:iam::{acct}:root",'
                f'"accountId":"{acct}","accessKeyId":"{key}","sessionContext":{{"attributes":'
                f'{{"creationDate":"{self.ts(hour * 3600)}","mfaAuthenticated":"true"}}}}}}'
            )
        else:
            if a.kind == "sso":
                role, path, session = (
                    "AWSReservedSSO_PowerUser_0a1b2c3d4e5f6789",
                    "aws-reserved/sso.amazonaws.com/",
                    a.name,
                )
            elif a.kind == "ec2":
                role, path, session = a.name, "", f"i-0{a.idx:07x}{a.idx * 7919 % 0xFFFFFFF:09x}"
            elif a.kind == "eks":
                role, path, session = a.name, "", f"botocore-session-{hour * 3600}"
            else:  # lambda, cross
                role, path, session = a.name, "service-role/" if a.kind == "lambda" else "", a.name
            role_id = f"AROAEX{a.idx:014X}"
            web = ""
            if a.kind == "eks":
                web = (
                    f',"webIdFederationData":{{"federatedProvider":"arn:aws:iam::{acct}:oidc-provider/'
                    f'oidc.eks.{STREAMS[a.stream][1]}.amazonaws.com/id/EXAMPLE{a.idx:027X}","attributes":{{}}}}'
                )
            ident = (
                f'{{"type":"AssumedRole","principalId":"{role_id}:{session}","arn":"arn:aws:sts::{acct}:assumed-role/'
                f'{role}/{session}","accountId":"{acct}","accessKeyId":"{key}","sessionContext":{{"sessionIssuer":'
                f'{{"type":"Role","principalId":"{role_id}","arn":"arn:aws:iam::{acct}:role/{path}{role}",'
                f'"accountId":"{acct}","userName":"{role}"}}{web},"attributes":'
                f'{{"creationDate":"{self.ts(hour * 3600)}","mfaAuthenticated":"false"}}}}}}'
            )
        if len(a.identities) > 48:
            a.identities.clear()
        a.identities[hour] = ident
        return ident

    def record(
        self,
        *,
        ident: str,
        t: int,
        source: str,
        name: str,
        region: str,
        ip: str,
        ua: str,
        rp: str,
        re: str,
        account: str,
        read_only: bool,
        event_type: str = "AwsApiCall",
        error: str = "",
        extra: str = "",
        request_id: str = "",
    ) -> str:
        tls = (
            (
                f',"tlsDetails":{{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256",'
                f'"clientProvidedHostHeader":"{source[:-14]}.{region}.amazonaws.com"}}'
            )
            if ip[0].isdigit()
            else ""
        )
        return (
            f'{{"eventVersion":"1.09","userIdentity":{ident},"eventTime":"{self.ts(t)}","eventSource":"{source}",'
            f'"eventName":"{name}","awsRegion":"{region}","sourceIPAddress":"{ip}","userAgent":"{ua}"{error},'
            f'"requestParameters":{rp},"responseElements":{re}{extra},'
            f'"requestID":"{request_id or self.uid()}","eventID":"{self.uid()}",'
            f'"readOnly":{"true" if read_only else "false"},"eventType":"{event_type}",'
            f'"managementEvent":true,"recipientAccountId":"{account}","eventCategory":"Management"{tls}}}'
        )

    def secret_for(self, a: Actor, stream: int) -> Secret:
        sec = self.w.secrets[stream]
        if a.stream == stream and self.rand() < 0.5:
            return sec[a.favourites[int(self.rand() * 3)] % len(sec)]
        return sec[self.w.zipf_pick(stream)]

    def ref(self, a: Actor, s: Secret) -> str:
        return (
            s.arn
            if a.ref == "arn" or a.kind == "cross"
            else s.partial
            if a.ref == "partial"
            else s.name
        )

    def error(self, ident: str, action: str, what: str) -> str:
        r = self.rand()
        if r < DENY_RATE:
            i = ident.find('"arn":"') + 7
            who = ident[i : ident.find('"', i)] if i > 6 else "unknown"
            return (
                f',"errorCode":"AccessDenied","errorMessage":"User: {who} is not authorized to '
                f"perform: secretsmanager:{action} on resource: {what} because no identity-based "
                f'policy allows the secretsmanager:{action} action"'
            )
        if r < DENY_RATE + 0.003:
            return (
                ',"errorCode":"ResourceNotFoundException",'
                '"errorMessage":"Secrets Manager can\'t find the specified secret."'
            )
        if r < DENY_RATE + 0.005:
            return ',"errorCode":"ThrottlingException","errorMessage":"Rate exceeded"'
        return ""

    # -- units of activity ---------------------------------------------------------------------
    def read(self, a: Actor, t: int, *, kms: bool = True) -> None:
        stream = a.stream
        if a.kind == "cross":  # a secret of another account, in the caller's region
            home_acct, home_region, _ = STREAMS[a.stream]
            other = [
                i
                for i, (acc, reg, _) in enumerate(STREAMS)
                if reg == home_region and acc != home_acct
            ]
            stream = other[int(self.rand() * len(other))] if other else a.stream
        acct, region, _ = STREAMS[stream]
        home_acct = STREAMS[a.stream][0]
        s = self.secret_for(a, stream)
        hour = t // 3600
        ident = self.identity(a, hour)
        ref = self.ref(a, s)
        err = self.error(ident, "GetSecretValue", ref)
        rid = self.uid()
        extra = ""
        if a.kind == "cross" and home_acct != acct:
            extra = f',"sharedEventID":"{self.uid()}"'
        rec = self.record(
            ident=ident,
            t=t,
            source=SM,
            name="GetSecretValue",
            region=region,
            ip=a.ip,
            ua=a.ua,
            rp=f'{{"secretId":"{ref}"}}',
            re="null",
            account=acct,
            read_only=True,
            error=err,
            extra=extra,
            request_id=rid,
        )
        if not self.emit(stream, rec, t):
            return
        if extra:  # the caller's account records the same call too (its own eventID)
            self.emit(
                a.stream,
                self.record(
                    ident=ident,
                    t=t,
                    source=SM,
                    name="GetSecretValue",
                    region=region,
                    ip=a.ip,
                    ua=a.ua,
                    rp=f'{{"secretId":"{ref}"}}',
                    re="null",
                    account=home_acct,
                    read_only=True,
                    error=err,
                    extra=extra,
                    request_id=rid,
                ),
                t,
            )
        elif kms and not err and self.rand() < 0.6:
            self.emit(stream, self.kms_on_behalf(ident, t, stream, s), t)

    def kms_on_behalf(self, ident: str, t: int, stream: int, s: Secret) -> str:
        acct, region, _ = STREAMS[stream]
        ident = ident[:-1] + f',"invokedBy":"{SM}"}}'
        return self.record(
            ident=ident,
            t=t,
            source="kms.amazonaws.com",
            name="Decrypt",
            region=region,
            ip=SM,
            ua=SM,
            rp=(
                f'{{"encryptionAlgorithm":"SYMMETRIC_DEFAULT","encryptionContext":{{"SecretARN":"{s.arn}",'
                f'"SecretVersionId":"{self.uid()}"}}}}'
            ),
            re="null",
            account=acct,
            read_only=True,
            extra=(
                f',"resources":[{{"accountId":"{acct}","type":"AWS::KMS::Key","ARN":"arn:aws:kms:{region}:'
                f'{acct}:key/{self.uid()}"}}]'
            ),
        )

    def simple(
        self, a: Actor, t: int, name: str, *, read_only: bool = True, re: bool = False
    ) -> None:
        acct, region, _ = STREAMS[a.stream]
        s = self.secret_for(a, a.stream)
        ref = self.ref(a, s)
        rp = '{"maxResults":100}' if name == "ListSecrets" else f'{{"secretId":"{ref}"}}'
        ident = self.identity(a, t // 3600)
        err = self.error(ident, name, ref)
        resp = f'{{"arn":"{s.arn}","name":"{s.name}"}}' if re and not err else "null"
        if name == "PutSecretValue" and not err:
            v = self.uid()
            rp = (
                f'{{"secretId":"{ref}","clientRequestToken":"{v}",'
                '"secretString":"HIDDEN_DUE_TO_SECURITY_REASONS"}'
            )
            resp = (
                f'{{"arn":"{s.arn}","name":"{s.name}","versionId":"{v}",'
                '"versionStages":["AWSCURRENT"]}'
            )
        self.emit(
            a.stream,
            self.record(
                ident=ident,
                t=t,
                source=SM,
                name=name,
                region=region,
                ip=a.ip,
                ua=a.ua,
                rp=rp,
                re=resp,
                account=acct,
                read_only=read_only,
                error=err,
            ),
            t,
        )

    def batch(self, a: Actor, t: int) -> None:
        acct, region, _ = STREAMS[a.stream]
        picks = {self.secret_for(a, a.stream).name: None for _ in range(int(2 + self.rand() * 8))}
        secs = [s for s in self.w.secrets[a.stream] if s.name in picks]
        ident = self.identity(a, t // 3600)
        rid = self.uid()
        ids = ",".join(f'"{self.ref(a, s)}"' for s in secs)
        err = ""
        if self.rand() < DENY_RATE:
            err = (
                ',"errorCode":"AccessDeniedException","errorMessage":"not authorized to perform: '
                'secretsmanager:BatchGetSecretValue"'
            )
        ok = self.emit(
            a.stream,
            self.record(
                ident=ident,
                t=t,
                source=SM,
                name="BatchGetSecretValue",
                region=region,
                ip=a.ip,
                ua=a.ua,
                rp=f'{{"secretIdList":[{ids}]}}',
                re="null",
                account=acct,
                read_only=True,
                error=err,
                request_id=rid,
            ),
            t,
        )
        if ok and not err:
            for s in secs:
                self.emit(
                    a.stream,
                    self.record(
                        ident=ident,
                        t=t,
                        source=SM,
                        name="GetSecretValue",
                        region=region,
                        ip=a.ip,
                        ua=a.ua,
                        rp=f'{{"secretId":"{s.arn}"}}',
                        re="null",
                        account=acct,
                        read_only=True,
                        request_id=rid,
                    ),
                    t,
                )

    def login(self, a: Actor, t: int) -> None:
        acct, region, _ = STREAMS[a.stream]
        hour = t // 3600
        key = self.key(a, hour)
        if a.kind in ("sso", "console", "root"):
            ident = self.identity(a, hour)
            if a.kind == "sso":
                caller = (
                    f'{{"type":"SAMLUser","principalId":"EXAMPLESSOPROVIDER:{a.name}","userName":"{a.name}",'
                    f'"identityProvider":"EXAMPLESSOPROVIDER"}}'
                )
                name, source, rp = (
                    "AssumeRoleWithSAML",
                    "sts.amazonaws.com",
                    (
                        f'{{"roleArn":"arn:aws:iam::{acct}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_PowerUser_'
                        f'0a1b2c3d4e5f6789","principalArn":"arn:aws:iam::{acct}:saml-provider/AWSSSO_EXAMPLE"}}'
                    ),
                )
                re = (
                    f'{{"credentials":{{"accessKeyId":"{key}","expiration":"later"}},"assumedRoleUser":{{'
                    f'"arn":"arn:aws:sts::{acct}:assumed-role/AWSReservedSSO_PowerUser_0a1b2c3d4e5f6789/{a.name}"}}}}'
                )
                self.emit(
                    a.stream,
                    self.record(
                        ident=caller,
                        t=t,
                        source=source,
                        name=name,
                        region=region,
                        ip=a.ip,
                        ua="sso.amazonaws.com",
                        rp=rp,
                        re=re,
                        account=acct,
                        read_only=True,
                    ),
                    t,
                )
                return
            ident = ident.replace(f'"accessKeyId":"{key}"', '"accessKeyId":""')
            self.emit(
                _global(a.stream),
                self.record(
                    ident=ident,
                    t=t,
                    source="signin.amazonaws.com",
                    name="ConsoleLogin",
                    region="us-east-1",
                    ip=a.ip,
                    ua="Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0",
                    rp="null",
                    re='{"ConsoleLogin":"Success"}',
                    account=acct,
                    read_only=False,
                    event_type="AwsConsoleSignIn",
                    extra=',"additionalEventData":{"MobileVersion":"No","MFAUsed":"Yes"}',
                ),
                t,
            )
            return
        if a.kind == "ci":
            self.simple(a, t, "DescribeSecret")
            return
        role_arn = json.loads(self.identity(a, hour))["sessionContext"]["sessionIssuer"]["arn"]
        if a.kind == "eks":
            caller = (
                f'{{"type":"WebIdentityUser","principalId":"oidc.eks:{a.name}","userName":'
                f'"system:serviceaccount:{a.name.split("-")[0]}:api","identityProvider":"arn:aws:iam::{acct}:'
                f'oidc-provider/oidc.eks.{region}.amazonaws.com/id/EXAMPLE{a.idx:027X}"}}'
            )
            name, ip = "AssumeRoleWithWebIdentity", a.ip
        else:
            svc = "ec2.amazonaws.com" if a.kind == "ec2" else "lambda.amazonaws.com"
            caller, name, ip = f'{{"type":"AWSService","invokedBy":"{svc}"}}', "AssumeRole", svc
        session = json.loads(self.identity(a, hour))["principalId"].split(":", 1)[1]
        re = (
            f'{{"credentials":{{"accessKeyId":"{key}","expiration":"later"}},"assumedRoleUser":{{"assumedRoleId":'
            f'"AROAEX{a.idx:014X}:{session}","arn":"arn:aws:sts::{acct}:assumed-role/{a.name}/{session}"}}}}'
        )
        self.emit(
            a.stream,
            self.record(
                ident=caller,
                t=t,
                source="sts.amazonaws.com",
                name=name,
                region=region,
                ip=ip,
                ua=ip if not ip[0].isdigit() else a.ua,
                rp=f'{{"roleArn":"{role_arn}","roleSessionName":"{session}"}}',
                re=re,
                account=acct,
                read_only=True,
            ),
            t,
        )

    def rotation(self, t: int) -> None:
        stream = self.w.pick_stream()
        acct, region, _ = STREAMS[stream]
        s = self.w.secrets[stream][self.w.zipf_pick(stream)]
        lam = self.w.rotator
        lam.stream = stream
        lam.identities.clear()
        ident = self.identity(lam, t // 3600)
        svc = f'{{"accountId":"{acct}","invokedBy":"{SM}"}}'
        extra = f',"additionalEventData":{{"SecretId":"{s.arn}"}}'

        def service(name: str, at: int) -> str:
            return self.record(
                ident=svc,
                t=at,
                source=SM,
                name=name,
                region=region,
                ip=SM,
                ua=SM,
                rp="null",
                re="null",
                account=acct,
                read_only=False,
                event_type="AwsServiceEvent",
                extra=extra,
                request_id=f"Rotation-{s.arn}-{self.uid()}",
            )

        v = self.uid()

        def call(name: str, at: int, rp: str, re: str = "null", ro: bool = False) -> str:
            return self.record(
                ident=ident,
                t=at,
                source=SM,
                name=name,
                region=region,
                ip=lam.ip,
                ua=lam.ua,
                rp=rp,
                re=re,
                account=acct,
                read_only=ro,
            )

        failed = self.rand() < 0.05
        recs = [
            service("RotationStarted", t),
            call(
                "GetSecretValue",
                t + 1,
                f'{{"secretId":"{s.arn}","versionStage":"AWSCURRENT"}}',
                ro=True,
            ),
            call(
                "PutSecretValue",
                t + 2,
                f'{{"secretId":"{s.arn}","clientRequestToken":"{v}","versionStages":["AWSPENDING"],'
                '"secretString":"HIDDEN_DUE_TO_SECURITY_REASONS"}',
                f'{{"arn":"{s.arn}","name":"{s.name}","versionId":"{v}","versionStages":["AWSPENDING"]}}',
            ),
            call(
                "GetSecretValue",
                t + 3,
                f'{{"secretId":"{s.arn}","versionId":"{v}","versionStage":"AWSPENDING"}}',
                ro=True,
            ),
        ]
        if failed:
            recs.append(service("RotationFailed", t + 30))
        else:
            recs.append(
                call(
                    "UpdateSecretVersionStage",
                    t + 4,
                    f'{{"secretId":"{s.arn}","versionStage":"AWSCURRENT","moveToVersionId":"{v}"}}',
                    f'{{"arn":"{s.arn}","name":"{s.name}"}}',
                )
            )
            recs.append(service("RotationSucceeded", t + 5))
        for i, rec in enumerate(recs):
            self.emit(stream, rec, t + i)

    def admin(self, a: Actor, t: int) -> None:
        acct, region, _ = STREAMS[a.stream]
        r = self.rand()
        ident = self.identity(a, t // 3600)
        if r < 0.35:
            self.simple(a, t, "PutSecretValue", read_only=False, re=True)
            return
        if r < 0.55:
            self.simple(a, t, "TagResource", read_only=False)
            return
        if r < 0.7:
            self.simple(a, t, "UpdateSecret", read_only=False, re=True)
            return
        if r < 0.8:
            self.simple(a, t, "PutResourcePolicy", read_only=False, re=True)
            return
        if r < 0.9:
            doc = json.dumps(
                json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "secretsmanager:GetSecretValue",
                                "Resource": f"arn:aws:secretsmanager:{region}:{acct}:secret:prod/*",
                            }
                        ],
                    }
                )
            )
            role = f"{TEAMS[a.idx % 8]}-app"
            rp = f'{{"roleName":"{role}","policyName":"secrets-read","policyDocument":{doc}}}'
            self.emit(
                _global(a.stream),
                self.record(
                    ident=ident,
                    t=t,
                    source="iam.amazonaws.com",
                    name="PutRolePolicy",
                    region="us-east-1",
                    ip=a.ip,
                    ua=a.ua,
                    rp=rp,
                    re="null",
                    account=acct,
                    read_only=False,
                ),
                t,
            )
            return
        s = self.w.secrets[a.stream][self.w.zipf_pick(a.stream)]
        name = ("CreateSecret", "DeleteSecret", "RestoreSecret", "RotateSecret")[
            int(self.rand() * 4)
        ]
        rp = f'{{"name":"{s.name}"}}' if name == "CreateSecret" else f'{{"secretId":"{s.arn}"}}'
        self.emit(
            a.stream,
            self.record(
                ident=ident,
                t=t,
                source=SM,
                name=name,
                region=region,
                ip=a.ip,
                ua=a.ua,
                rp=rp,
                re=f'{{"arn":"{s.arn}","name":"{s.name}"}}',
                account=acct,
                read_only=False,
            ),
            t,
        )
        return

    def unrelated(self, a: Actor, t: int) -> None:
        acct, region, _ = STREAMS[a.stream]
        source, name, ro = OTHER_CALLS[int(self.rand() * len(OTHER_CALLS))]
        self.emit(
            a.stream,
            self.record(
                ident=self.identity(a, t // 3600),
                t=t,
                source=source,
                name=name,
                region=region,
                ip=a.ip,
                ua=a.ua,
                rp="{}",
                re="null",
                account=acct,
                read_only=ro,
            ),
            t,
        )


# Units per actor category: (kind, weight, mean records). Kinds dispatch in _Stream.unit.
SERVICE_UNITS = (
    ("read", 72, 1.6),
    ("describe", 4, 1),
    ("list", 1.5, 1),
    ("batch", 0.8, 6.5),
    ("login", 8, 1),
    ("write", 1.5, 1),
    ("rotation", 0.6, 6),
)
HUMAN_UNITS = (
    ("read", 30, 1.6),
    ("describe", 18, 1),
    ("list", 16, 1),
    ("admin", 14, 1),
    ("login", 5, 1),
    ("batch", 0.5, 6.5),
)


def _mean(units: tuple[tuple[str, float, float], ...]) -> float:
    return sum(w * m for _, w, m in units) / sum(w for _, w, _ in units)


def _unit_times(
    nrng: np.random.Generator, start_s: int, days: float, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sorted unit times (epoch s) over the window and their category (0 service,
    1 batch, 2 human) from the diurnal weights."""
    hours = max(1, round(days * 24))
    weights = np.zeros((hours, 3))
    for h in range(hours):
        dt = datetime.fromtimestamp(start_s + h * 3600, UTC)
        weights[h, 0] = 1.0
        weights[h, 1] = 3.0 if dt.hour == 2 else 0.01
        weights[h, 2] = 0.8 * sum(
            share
            * human_activity(
                (dt + timedelta(minutes=off)).hour, (dt + timedelta(minutes=off)).weekday()
            )
            for off, share in TZ
        )
    flat = weights.ravel() / weights.sum()
    cells = nrng.choice(flat.size, size=n, p=flat)
    secs = start_s + (cells // 3) * 3600 + nrng.integers(0, 3600, size=n)
    order = np.argsort(secs, kind="stable")
    return secs[order], (cells % 3)[order]


def generate_cloudtrail(
    out_dir: Path,
    *,
    events: int,
    seed: int = 7,
    start: str = DEFAULT_START,
    days: float = 7,
    secrets: int = 600,
    principals: int = 400,
    gzip_level: int = 1,
    min_file_records: int = 1000,
    max_file_records: int = 5000,
) -> list[Path]:
    """Write exactly ``events`` CloudTrail records (plus digest files); return the paths, sorted."""
    if events < 1:
        raise ValueError("events must be >= 1")
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    world = _World(rng, secrets, principals)
    writer = _Writer(
        Path(out_dir), random.Random(seed + 1), gzip_level, min_file_records, max_file_records
    )
    stream = _Stream(world, writer, random.Random(seed + 2), parse_utc(start) // 10**9)
    stream.limit = events
    in_scope_mean = 0.75 * _mean(SERVICE_UNITS) + 0.25 * _mean(HUMAN_UNITS)
    q = (
        OUT_OF_SCOPE_SHARE
        * in_scope_mean
        / (1 - OUT_OF_SCOPE_SHARE + OUT_OF_SCOPE_SHARE * in_scope_mean)
    )
    mean = q + (1 - q) * in_scope_mean
    n_units = int(events / mean * 1.04) + 16
    times, cats = _unit_times(nrng, stream.start_s, days, n_units)
    unit_draws = nrng.random(n_units)
    actor_draws = nrng.random(n_units)
    kind_draws = nrng.random(n_units)
    tables: dict[int, tuple[list[str], list[float]]] = {}
    for cat, units in ((0, SERVICE_UNITS), (1, SERVICE_UNITS), (2, HUMAN_UNITS)):
        tables[cat] = ([k for k, _, _ in units], list(accumulate(w for _, w, _ in units)))
    pools = (world.pools["service"], world.pools["batch"], world.pools["human"])
    root = world.actors[-1]
    handlers: dict[str, Callable[[Actor, int], None]] = {
        "read": stream.read,
        "batch": stream.batch,
        "login": stream.login,
        "admin": stream.admin,
        "describe": lambda a, t: stream.simple(a, t, "DescribeSecret"),
        "list": lambda a, t: stream.simple(a, t, "ListSecrets"),
        "write": lambda a, t: stream.simple(a, t, "PutSecretValue", read_only=False, re=True),
        "rotation": lambda a, t: stream.rotation(t),
    }
    try:
        for i in range(n_units):
            if stream.emitted >= events:
                break
            t = int(times[i])
            cat = int(cats[i])
            pool = pools[cat]
            actor = pool[int(actor_draws[i] * len(pool))]
            if cat == 2 and unit_draws[i] < 0.0005:
                actor = root
            if unit_draws[i] > 1 - q:
                stream.unrelated(actor, t)
                continue
            kinds, cum = tables[cat]
            handlers[kinds[bisect(cum, kind_draws[i] * cum[-1])]](actor, t)
        last = int(times[-1]) if n_units else stream.start_s
        while stream.emitted < events:  # the estimate fell short: keep reading
            last += 1
            stream.read(world.pools["service"][last % len(world.pools["service"])], last)
        for s in range(len(STREAMS)):
            writer.flush(s)
        writer.digests()
    finally:
        writer.close()
    return sorted(writer.paths)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.synth.cloudtrail", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--events", type=int, required=True, help="exact number of CloudTrail records"
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="output directory (the S3 bucket root)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=float, default=7)
    parser.add_argument("--start", default=DEFAULT_START)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    paths = generate_cloudtrail(
        args.out, events=args.events, seed=args.seed, days=args.days, start=args.start
    )
    took = time.perf_counter() - began
    size = sum(p.stat().st_size for p in paths)
    print(
        f"{args.events:,} records in {took:.1f} s, {len(paths)} files, {size / 1e6:,.1f} MB",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
