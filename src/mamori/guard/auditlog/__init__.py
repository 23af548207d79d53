"""Every guard event into the tamper-evident audit log; the auditors' search."""
