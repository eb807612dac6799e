"""Seeded, realistic synthetic inputs for demos, tests and benchmarks.

``generate_vault(out_dir, lines=N, seed=7)`` writes a rotated Vault/OpenBao file-audit-device log.
CLI: ``python -m ingest.synth vault --lines N --out DIR [--seed 7] ...`` (see ``--help``).
"""

from __future__ import annotations

from ingest.synth.vault import BASE_NAME, DEFAULT_START, VaultStream, generate_vault

__all__ = ["BASE_NAME", "DEFAULT_START", "VaultStream", "generate_vault"]
