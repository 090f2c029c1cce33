"""Every read of the analytics pages and API, scoped to the acting user (topic modules)."""
