"""Performance pages, one module per topic (``manage_*``: HR and managers)."""
