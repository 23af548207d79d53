"""Export requests, their scan results, approvals, grants and monthly reports."""
