"""Every write of sales data: keyword-only, typed, atomic, audited (one module per topic)."""
