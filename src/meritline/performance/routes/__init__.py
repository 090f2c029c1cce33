"""URL patterns of the performance pages, one module per topic."""
