"""The audit log's integrity: row hashes, append-only triggers, sealed checkpoints.

See docs/audit.md for the design and what verification proves.
"""
