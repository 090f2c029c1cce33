"""Sales records: platforms, customers, leads with their lifecycle and ownership, deals,
collections and refunds (SPEC PRF-1, LED-1…LED-4, PAY-2…PAY-6)."""
