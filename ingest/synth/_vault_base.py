"""Plumbing of the Vault line stream: timestamps, ids, the auth block, request/response pairs.

An entry is rendered by concatenating pre-rendered fragments (no ``json.dumps`` per record);
responses wait in a heap until the stream passes their time, so entries come out time-ordered
and concurrent requests interleave as they do in a real audit file.
"""

from __future__ import annotations

import heapq
import random
from collections import deque

from ingest.synth._clock import NS, make_rfc3339nano
from ingest.synth._vault_model import NAMESPACE_JSON, ROOT_NAMESPACE_JSON, Mount, Principal, Token
from ingest.synth._vault_world import World

MS = 1_000_000
NS_ID = "aBc12"
MINIMAL_AUTH = '"auth":{"token_type":"default"}'
LOGIN_AUTH = '"auth":{"policy_results":{"allowed":true},"token_type":"default"}'
DENIED_REQ = ',"error":"permission denied"'
DENIED_RESP = ',"error":"1 error occurred:\\n\\t* permission denied\\n\\n"'
MINIMAL_DENY_SHARE = 0.4  # denied with an expired/revoked token: minimal auth block


class StreamBase:
    """State shared by the op handlers and the main loop."""

    def __init__(self, world: World, seed: int, store_name: str) -> None:
        self.w = world
        self.h = world.h
        self.store_name = store_name
        self.rng = random.Random(f"{seed}:events")
        self.rnd = self.rng.random
        self.fmt = make_rfc3339nano()
        self.out: list[str] = []
        self.heap: list[tuple[int, int, str]] = []
        self.seq = 0
        self.leases: deque[str] = deque(maxlen=512)
        self.cache: dict[tuple[object, ...], str] = {}

    def stamp(self, t: int) -> str:
        """RFC3339Nano with this request's clock granularity (ns mostly; us, ms, s sometimes)."""
        u = self.rnd()
        if u < 0.96:
            return self.fmt(t)
        if u < 0.98:
            return self.fmt(t - t % 1000)
        if u < 0.995:
            return self.fmt(t - t % MS)
        return self.fmt(t - t % NS)

    def emit(self, t: int, line: str) -> None:
        """Append ``line`` (time ``t``) after every queued response that is due by then."""
        heap, out = self.heap, self.out
        while heap and heap[0][0] <= t:
            out.append(heapq.heappop(heap)[2])
        out.append(line)

    def pair(
        self, t: int, delay: int, auth_q: str, body: str, resp: str, *, auth_resp: str = "",
        denied: bool = False, resp_error: str = "",
    ) -> int:  # fmt: skip
        """Emit a request entry at ``t``; queue its response entry at ``t + delay``.

        ``auth_resp`` is the response entry's auth block when it differs (logins)."""
        t2 = t + delay
        auth_s = auth_resp or auth_q
        err_q, err_s = (DENIED_REQ, DENIED_RESP) if denied else ("", resp_error)
        self.emit(
            t,
            f'{{"time":"{self.stamp(t)}","type":"request",{auth_q},"request":{{{body}}}{err_q}}}\n',
        )
        self.seq += 1
        line = (
            f'{{"time":"{self.stamp(t2)}","type":"response",{auth_s},"request":{{{body}}},'
            f'"response":{{{resp}}}{err_s}}}\n'
        )
        heapq.heappush(self.heap, (t2, self.seq, line))
        return t2

    def rid(self) -> str:
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def port(self) -> int:
        return 32768 + int(self.rnd() * 32767)

    def delay(self, low_ms: float = 1, high_ms: float = 30) -> int:
        """Handling time, skewed towards ``low_ms``."""
        return int((low_ms + self.rnd() ** 2 * (high_ms - low_ms)) * MS)

    @staticmethod
    def auth(tok: Token, policy: str, namespaced: bool = False) -> str:
        """The full ``"auth":{...}`` of an allowed request granted by ``policy``."""
        key = f"ns:{policy}" if namespaced else policy
        got = tok.by_policy.get(key)
        if got is None:
            where = (
                f'"namespace_id":"{NS_ID}","namespace_path":"team-a/"'
                if namespaced
                else '"namespace_id":"root"'
            )
            grant = f'{{"name":"{policy}",{where},"type":"acl"}}'
            pr = f'{{"allowed":true,"granting_policies":[{grant}]}}'
            got = tok.by_policy[key] = f'"auth":{{{tok.head},"policy_results":{pr},{tok.tail}}}'
        return got

    @staticmethod
    def denied_auth(tok: Token) -> str:
        got = tok.by_policy.get("!")
        if got is None:
            denied = '"policy_results":{"allowed":false}'
            got = tok.by_policy["!"] = f'"auth":{{{tok.head},{denied},{tok.tail}}}'
        return got

    def op(
        self, p: Principal, t: int, op: str, m: Mount, path: str, *, data: str = "",
        resp: str = "", resp_pre: str = "", denied: bool = False, policy: str = "",
        namespaced: bool = False, delay: int = 0, minimal: bool | None = None,
    ) -> int:  # fmt: skip
        """One authenticated request/response pair by ``p``; returns the response time."""
        tok = p.token
        assert tok is not None
        if denied and (self.rnd() < MINIMAL_DENY_SHARE if minimal is None else minimal):
            auth = MINIMAL_AUTH
            ident = f'"id":"{self.rid()}",'
            who = f'"client_token":"{p.stale_token}"'
        else:
            ident = f'"id":"{self.rid()}","client_id":"{p.client_id}",'
            who = tok.req_tok
            if denied:
                auth = self.denied_auth(tok)
            else:
                auth = self.auth(tok, policy or p.grant_policy, namespaced)
        ns_json = NAMESPACE_JSON if namespaced else ROOT_NAMESPACE_JSON
        body = (
            f'{ident}"operation":"{op}",{m.req},{who},"namespace":{ns_json},"path":"{path}"'
            f'{data},"remote_address":"{p.ip}","remote_port":{self.port()}'
        )
        if denied:
            block = f'{m.resp},"data":{{"error":"{self.h("permission denied")}"}}'
        else:
            block = f"{resp_pre}{m.resp}{resp}"
        return self.pair(t, delay or self.delay(), auth, body, block, denied=denied)

    def flush(self) -> list[str]:
        """Every response still queued, in time order (the end of the stream)."""
        rest = [line for _, _, line in sorted(self.heap)]
        self.heap.clear()
        return rest
