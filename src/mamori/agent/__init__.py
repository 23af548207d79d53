"""The endpoint agent: device policy, read-only media, the one writer of approved exports."""
