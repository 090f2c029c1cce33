"""The sales pages (issue 3), one module per record kind."""
