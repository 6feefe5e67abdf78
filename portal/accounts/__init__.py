"""People's accounts: API tokens, and the steps by which access is given, used and recovered,
each recorded in the audit trail."""
