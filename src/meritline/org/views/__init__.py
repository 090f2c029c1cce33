"""Pages of the org app (PLT-1, PLT-2, PLT-3, SEL-1), one module per topic."""
