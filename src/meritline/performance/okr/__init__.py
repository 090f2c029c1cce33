"""OKR (PRF-9): objectives, key results, check-ins and a 0–1 score, for teams that use
them instead of KPIs. A Django app of its own (label ``okr``) inside performance."""
