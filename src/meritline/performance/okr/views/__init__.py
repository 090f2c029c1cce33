"""OKR pages: reading pages in ``pages``, objective forms in ``edit``, actions in
``actions``."""
