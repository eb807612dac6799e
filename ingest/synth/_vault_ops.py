"""The request kinds of the synthetic Vault stream: one method each, ``(principal, t, denied)``.

Response bodies that depend only on (secret, version) or the token are rendered once and cached.
String leaves are HMAC'd; numbers, booleans and ``null`` stay in clear, as Vault does.
"""

from __future__ import annotations

from bisect import bisect

from ingest.synth._vault_base import StreamBase
from ingest.synth._vault_model import Principal, Secret, jlist


class OpsMixin(StreamBase):
    """Secret-engine op handlers. Every handler emits exactly one request/response pair."""

    # --- picking ---------------------------------------------------------------------------
    def my_secret(self, p: Principal, denied: bool) -> tuple[int, Secret]:
        """A secret from ``p``'s working set; any secret (by popularity) when denied."""
        if denied or not p.secrets:
            idx = self.w.pick_any_secret(self.rnd())
        else:
            idx = p.secrets[bisect(p.secret_cw, self.rnd() * p.secret_cw[-1])]
        return idx, self.w.secrets[idx]

    def my_kv2_secret(self, p: Principal, denied: bool) -> tuple[int, Secret]:
        for _ in range(4):
            idx, s = self.my_secret(p, denied)
            if s.mount is not self.w.kv1:
                return idx, s
        idx = self.w.kv2_popular[int(self.rnd() * len(self.w.kv2_popular))]
        return idx, self.w.secrets[idx]

    # --- rendering helpers -----------------------------------------------------------------
    def version_meta(self, idx: int, version: int) -> str:
        h = self.h
        return (
            f'{{"created_time":"{h(f"ct:{idx}:{version}")}","custom_metadata":null,'
            f'"deletion_time":"{h("")}","destroyed":false,"version":{version}}}'
        )

    def kv2_read_data(self, idx: int, s: Secret, version: int) -> str:
        got = self.cache.get(("r2", idx, version))
        if got is None:
            h = self.h
            leaves = ",".join(f'"{k}":"{h(f"v:{idx}:{version}:{k}")}"' for k in s.keys)
            got = f',"data":{{"data":{{{leaves}}},"metadata":{self.version_meta(idx, version)}}}'
            self.cache["r2", idx, version] = got
        return got

    def versions_data(self, versions: list[int]) -> str:
        # request-body numbers arrive as json.Number strings, so Vault HMACs them
        return f',"data":{{"versions":{jlist([self.h(str(v)) for v in versions])}}}'

    # --- reads -----------------------------------------------------------------------------
    def kv2_read(
        self, p: Principal, t: int, denied: bool, minimal: bool | None = None, idx: int = -1
    ) -> None:
        if idx < 0:
            idx, s = self.my_secret(p, denied)
        else:
            s = self.w.secrets[idx]
        if s.mount is self.w.kv1:
            self.kv1_read(p, t, denied, idx)
            return
        version, req_data = s.version, ""
        if s.version > 1 and self.rnd() < 0.03:  # ?version=N
            version = 1 + int(self.rnd() * s.version)
            req_data = f',"data":{{"version":"{self.h(str(version))}"}}'
        m = s.mount
        self.op(
            p, t, "read", m, f"{m.path}data/{s.rel}", data=req_data,
            resp=self.kv2_read_data(idx, s, version), denied=denied, namespaced=s.namespaced,
            minimal=minimal,
        )  # fmt: skip

    def kv1_read(self, p: Principal, t: int, denied: bool, idx: int = -1) -> None:
        w = self.w
        if idx < 0:
            pool = w.kv1_by_team.get(p.team) if not denied else None
            pool = pool or w.kv1_all
            idx = pool[int(self.rnd() * len(pool))]
        s = w.secrets[idx]
        data = self.cache.get(("r1", idx))
        if data is None:
            leaves = ",".join(f'"{k}":"{self.h(f"v1:{idx}:{k}")}"' for k in s.keys)
            data = self.cache["r1", idx] = f',"data":{{{leaves}}}'
        self.op(p, t, "read", w.kv1, f"kv/{s.rel}", resp=data, denied=denied)

    def kv2_meta(self, p: Principal, t: int, denied: bool) -> None:
        idx, s = self.my_kv2_secret(p, denied)
        data = self.cache.get(("m2", idx, s.version))
        if data is None:
            h = self.h
            vs = sorted(range(max(1, s.version - 2), s.version + 1), key=str)
            versions = ",".join(
                f'"{v}":{{"created_time":"{h(f"ct:{idx}:{v}")}","deletion_time":"{h("")}",'
                f'"destroyed":false}}'
                for v in vs
            )
            data = (
                f',"data":{{"cas_required":false,"created_time":"{h(f"ct:{idx}:1")}",'
                f'"current_version":{s.version},"custom_metadata":null,'
                f'"delete_version_after":"{h("0s")}","max_versions":0,"oldest_version":0,'
                f'"updated_time":"{h(f"ct:{idx}:{s.version}")}","versions":{{{versions}}}}}'
            )
            self.cache["m2", idx, s.version] = data
        m = s.mount
        path = f"{m.path}metadata/{s.rel}"
        self.op(p, t, "read", m, path, resp=data, denied=denied, namespaced=s.namespaced)

    def kv2_list(self, p: Principal, t: int, denied: bool) -> None:
        _, s = self.my_secret(p, denied)
        m = s.mount
        folder = s.rel.rsplit("/", 1)[0] + "/" if "/" in s.rel else ""
        data = self.cache.get(("l", m.accessor, folder))
        if data is None:
            keys = [self.h(f"key:{m.accessor}:{folder}:{i}") for i in range(2 + len(folder) % 9)]
            data = self.cache["l", m.accessor, folder] = f',"data":{{"keys":{jlist(keys)}}}'
        path = f"{m.path}{folder}" if m is self.w.kv1 else f"{m.path}metadata/{folder}"
        self.op(p, t, "list", m, path, resp=data, denied=denied, namespaced=s.namespaced)

    def kv1_list(self, p: Principal, t: int, denied: bool) -> None:
        keys = jlist([self.h(f"k1:{p.team}:{i}") for i in range(3)])
        data = f',"data":{{"keys":{keys}}}'
        self.op(p, t, "list", self.w.kv1, f"kv/{p.team}/", resp=data, denied=denied)

    # --- writes and deletes ----------------------------------------------------------------
    def kv2_write(self, p: Principal, t: int, denied: bool) -> None:
        idx, s = self.my_secret(p, denied)
        if s.mount is self.w.kv1:
            leaves = ",".join(f'"{k}":"{self.h(f"w1:{self.seq}:{k}")}"' for k in s.keys)
            data = f',"data":{{{leaves}}}'
            self.op(p, t, "update", s.mount, f"kv/{s.rel}", data=data, denied=denied)
            return
        self._write(p, t, (idx, s), s.rel, op="update", denied=denied)

    def kv2_create(self, p: Principal, t: int, denied: bool) -> None:
        _, s = self.my_kv2_secret(p, denied)
        self.seq += 1
        head = s.rel.rsplit("/", 1)[0] + "/" if "/" in s.rel else ""
        self._write(p, t, (-self.seq, s), f"{head}new-{self.seq:x}", op="create", denied=denied)

    def _write(
        self, p: Principal, t: int, secret: tuple[int, Secret], rel: str, *, op: str, denied: bool
    ) -> None:
        idx, s = secret
        h, n = self.h, self.seq
        leaves = ",".join(f'"{k}":"{h(f"w:{n}:{k}")}"' for k in s.keys)
        version = 1 if op == "create" else s.version + 1
        if op == "update" and not denied:
            s.version = version
        m = s.mount
        self.op(
            p, t, op, m, f"{m.path}data/{rel}", data=f',"data":{{"data":{{{leaves}}}}}',
            resp=f',"data":{self.version_meta(idx, version)}', denied=denied,
            namespaced=s.namespaced,
        )  # fmt: skip

    def soft_delete(self, p: Principal, t: int, denied: bool) -> None:
        _, s = self.my_secret(p, denied)
        m = s.mount
        if m is self.w.kv1:
            self.op(p, t, "delete", m, f"kv/{s.rel}", denied=denied)
        elif self.rnd() < 0.5:
            self.op(
                p, t, "delete", m, f"{m.path}data/{s.rel}", denied=denied, namespaced=s.namespaced
            )
        else:
            data = self.versions_data([s.version])
            path = f"{m.path}delete/{s.rel}"
            self.op(p, t, "update", m, path, data=data, denied=denied, namespaced=s.namespaced)

    def destroy(self, p: Principal, t: int, denied: bool) -> None:
        _, s = self.my_kv2_secret(p, denied)
        m, data = s.mount, self.versions_data([max(1, s.version - 1)])
        path = f"{m.path}destroy/{s.rel}"
        self.op(p, t, "update", m, path, data=data, denied=denied, namespaced=s.namespaced)

    def undelete(self, p: Principal, t: int, denied: bool) -> None:
        _, s = self.my_kv2_secret(p, denied)
        m, data = s.mount, self.versions_data([s.version])
        path = f"{m.path}undelete/{s.rel}"
        self.op(p, t, "update", m, path, data=data, denied=denied, namespaced=s.namespaced)

    def purge(self, p: Principal, t: int, denied: bool) -> None:
        _, s = self.my_kv2_secret(p, denied)
        m = s.mount
        path = f"{m.path}metadata/{s.rel}"
        self.op(p, t, "delete", m, path, denied=denied, namespaced=s.namespaced)
