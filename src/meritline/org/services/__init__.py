"""Every write to org data: keyword-only, typed, atomic, audited (Django-Styleguide)."""
