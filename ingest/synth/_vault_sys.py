"""Non-KV request kinds: dynamic database credentials, sys/, help, tokens, logins and KMIP."""

from __future__ import annotations

import heapq

from ingest.synth._clock import NS
from ingest.synth._vault_base import LOGIN_AUTH
from ingest.synth._vault_model import ROOT_NAMESPACE_JSON, Principal, jlist
from ingest.synth._vault_ops import OpsMixin

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_KMIP_OPS = ("0x0000001e", "0x0000000a", "0x00000001", "0x00000008", "0x00000012")
_KMIP_HEADER = '{"tag":"BatchCount","type":"Integer","value":"0x00000001"}'
_LOCAL_OFFSET_SHARE = 0.2  # tokens whose issue time the node wrote with its local offset
_NO_LEASE = "database/creds/payments-ro/0"


class SysOpsMixin(OpsMixin):
    """Handlers beyond the KV engines."""

    def db_creds(self, p: Principal, t: int, denied: bool) -> None:
        """``database/creds/<role>``: the lease id is logged in clear (not HMAC'd)."""
        if not p.db_roles and not denied:
            self.kv2_read(p, t, denied)
            return
        roles = p.db_roles if p.db_roles and not denied else self.w.db_roles
        role = roles[int(self.rnd() * len(roles))]
        bits = self.rng.getrandbits(144)
        lease = f"database/creds/{role}/" + "".join(_B62[(bits >> (6 * i)) % 62] for i in range(24))
        h = self.h
        resp = (
            f',"secret":{{"lease_id":"{lease}"}},'
            f'"data":{{"password":"{h("pw:" + lease)}","username":"{h("user:" + lease)}"}}'
        )
        if not denied:
            self.leases.append(lease)
        path = f"database/creds/{role}"
        self.op(p, t, "read", self.w.db, path, resp=resp, denied=denied, delay=self.delay(40, 400))

    def policy_update(self, p: Principal, t: int, denied: bool) -> None:
        """``sys/policies/acl/<name>``: only admins (and root) are allowed."""
        ps = self.w.principals
        name = f"{ps[1 + int(self.rnd() * (len(ps) - 1))].name}-read"
        data = f',"data":{{"policy":"{self.h(f"policy:{name}:{self.seq}")}"}}'
        path = f"sys/policies/acl/{name}"
        self.op(p, t, "update", self.w.sys, path, data=data, denied=denied or not p.admin)

    def lease_revoke(self, p: Principal, t: int, denied: bool) -> None:
        leases = self.leases
        lease = leases[-1 - int(self.rnd() * len(leases))] if leases else _NO_LEASE
        if self.rnd() < 0.5:  # lease id in the body: HMAC'd
            data = f',"data":{{"lease_id":"{self.h(lease)}"}}'
            self.op(p, t, "update", self.w.sys, "sys/leases/revoke", data=data, denied=denied)
        else:  # lease id in the path: in clear
            self.op(p, t, "update", self.w.sys, f"sys/leases/revoke/{lease}", denied=denied)

    def help_op(self, p: Principal, t: int, denied: bool) -> None:
        """``help`` entries have no ``request.id`` and only ``mount_type`` (as Vault logs them)."""
        del denied
        tok = p.token
        assert tok is not None
        _, s = self.my_kv2_secret(p, False)
        body = (
            f'"operation":"help","mount_type":"kv",{tok.req_tok},"namespace":{ROOT_NAMESPACE_JSON},'
            f'"path":"{s.mount.path}data/{s.rel}","remote_address":"{p.ip}",'
            f'"remote_port":{self.port()}'
        )
        auth = self.auth(tok, p.grant_policy)
        resp = f'"mount_type":"kv","data":{{"help":"{self.h("help:kv")}","see_also":null}}'
        self.pair(t, self.delay(), auth, body, resp)

    # --- tokens and logins -----------------------------------------------------------------
    def renew(self, p: Principal, t: int, denied: bool) -> None:
        tok = p.token
        assert tok is not None
        m = self.w.token_mount
        self.op(
            p, t, "update", m, "auth/token/renew-self",
            resp_pre=f'"auth":{{{tok.head},{tok.tail}}},', denied=denied, policy="default",
        )  # fmt: skip

    def lookup(self, p: Principal, t: int, denied: bool) -> None:
        tok = p.token
        assert tok is not None
        h = self.h
        head = self.cache.get(("lk", p.idx, tok.gen))
        if head is None:
            meta = "null"
            if p.metadata:
                meta = (
                    "{" + ",".join(f'"{k}":"{h(p.metadata[k])}"' for k in sorted(p.metadata)) + "}"
                )
            head = (
                f',"data":{{"accessor":"{tok.accessor}","creation_time":{tok.issue_ns // NS},'
                f'"creation_ttl":{p.ttl},"display_name":"{h(p.display_name)}",'
                f'"entity_id":"{h(p.entity_id)}","expire_time":"{h(f"exp:{p.idx}:{tok.gen}")}",'
                f'"explicit_max_ttl":0,"id":"{tok.client_token}",'
                f'"issue_time":"{h(f"iss:{p.idx}:{tok.gen}")}","meta":{meta},"num_uses":0,'
                f'"orphan":true,"path":"{h(p.method)}",'
                f'"policies":{jlist([h(x) for x in p.token_policies])},"renewable":true,'
            )
            self.cache["lk", p.idx, tok.gen] = head
            self.cache.pop(("lk", p.idx, tok.gen - 1), None)
        ttl = max(0, p.ttl - (t - tok.issue_ns) // NS) if p.ttl else 0
        data = f'{head}"ttl":{ttl},"type":"{h("service")}"}}'
        m = self.w.token_mount
        path = "auth/token/lookup-self"
        self.op(p, t, "read", m, path, resp=data, denied=denied, policy="default")

    def login(self, p: Principal, t: int, *, fail: bool = False, method: str = "") -> int:
        """Log ``p`` in (new token; new pod IP on Kubernetes); return when it can go on."""
        method = method or p.method
        if method not in self.w.auth_mounts:  # token/nomad/root: issued out of band, no entry
            p.token = self.w.issue(p, t, 0)
            p.expiry_ns = t + p.ttl * NS
            return t
        m, h, rnd = self.w.auth_mounts[method], self.h, self.rnd
        gen = p.token.gen + 1 if p.token else 0
        if method == "kubernetes":
            path, op = "auth/kubernetes/login", "update"
            data = f',"data":{{"jwt":"{h(f"jwt:{p.idx}:{gen}")}","role":"{h(p.name)}"}}'
            octet = self.w.team_octet.get(p.team, 99)
            p.ip = f"10.{octet}.{self.rng.getrandbits(8)}.{1 + int(rnd() * 254)}"
        elif method == "approle":
            path, op = "auth/approle/login", "update"
            secret_id = h(f"sid:{p.idx}:{gen}:{fail}")
            data = f',"data":{{"role_id":"{h(f"rid:{p.name}")}","secret_id":"{secret_id}"}}'
        else:
            path, op = "auth/oidc/oidc/callback", "read"
            code, state = h(f"code:{p.idx}:{gen}"), h(f"state:{p.idx}:{gen}")
            data = f',"data":{{"code":"{code}","state":"{state}"}}'
        body = (
            f'"id":"{self.rid()}","operation":"{op}",{m.req},"namespace":{ROOT_NAMESPACE_JSON},'
            f'"path":"{path}"{data},"remote_address":"{p.ip}","remote_port":{self.port()}'
        )
        if fail:
            resp = f'{m.resp},"data":{{"error":"{h("invalid role or secret ID")}"}}'
            error = ',"error":"invalid role or secret ID"'
            return self.pair(t, self.delay(5, 60), LOGIN_AUTH, body, resp, resp_error=error)
        offset = -300 if rnd() < _LOCAL_OFFSET_SHARE else 0
        p.token = tok = self.w.issue(p, t, offset)
        p.expiry_ns = t + int(self.w.reuse_seconds(p, self.rng) * NS)
        new_auth = f'"auth":{{{tok.head},{tok.tail}}}'
        resp = f"{new_auth},{m.resp}"
        t2 = self.pair(t, self.delay(20, 250), LOGIN_AUTH, body, resp, auth_resp=new_auth)
        return t2 + self.delay(1, 40)

    def kmip(self, t: int) -> None:
        """A KMIP pair: no auth, no request id, ``remote_address`` with port, newer key order."""
        rnd = self.rnd
        opcode = _KMIP_OPS[int(rnd() * len(_KMIP_OPS))]
        if rnd() < 0.8:
            addr = f"198.51.100.{1 + int(rnd() * 254)}:{self.port()}"
        else:
            addr = f"[2001:db8::{int(rnd() * 4096):x}]:{self.port()}"
        item = f'{{"tag":"Operation","type":"Enumeration","value":"{opcode}"}}'
        header = f'{{"tag":"RequestHeader","value":[{_KMIP_HEADER}]}}'
        kreq = (
            f'{{"kmip_request":{{"tag":"RequestMessage","value":[{header},'
            f'{{"tag":"BatchItem","value":[{item},{{"tag":"RequestPayload","value":[]}}]}}]}}}}'
        )
        status = '{"tag":"ResultStatus","type":"Enumeration","value":"0x00000000"}'
        kresp = (
            f'{{"kmip_response":{{"tag":"ResponseMessage","value":'
            f"[{header.replace('Request', 'Response')},"
            f'{{"tag":"BatchItem","value":[{item},{status}]}}]}}}}'
        )
        req = (
            f'"request":{{"client_certificate_serial_number":"{self.rng.getrandbits(150)}",'
            f'"data":{kreq},"namespace":{ROOT_NAMESPACE_JSON},"remote_address":"{addr}"}}'
        )
        t2 = t + self.delay(1, 10)
        self.emit(t, f'{{{req},"time":"{self.stamp(t)}","type":"kmip-request"}}\n')
        self.seq += 1
        stamp = self.stamp(t2)
        line = f'{{{req},"response":{{"data":{kresp}}},"time":"{stamp}","type":"kmip-response"}}\n'
        heapq.heappush(self.heap, (t2, self.seq, line))
