"""Kubernetes audit logs: Events on Secrets (API server log backend, GKE, AKS)."""

from ingest.sources.k8s.audit import AUDIT

__all__ = ["AUDIT"]
