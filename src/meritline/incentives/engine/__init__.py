"""Reserved for a later issue; its import-linter contract is already in force."""
