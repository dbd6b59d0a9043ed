"""The audit trail: an append-only, hash-chained log of who saw or changed what."""
