"""Every write of performance data: keyword-only, typed, atomic, audited (one module per
topic)."""
