"""Every write of the incentive app: keyword-only, typed, atomic, audited."""
