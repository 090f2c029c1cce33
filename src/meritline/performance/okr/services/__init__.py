"""OKR writes: one module per topic (objectives, key results, check-ins, grading,
periods). Every service is keyword-only, atomic, locks what it changes and is audited."""
