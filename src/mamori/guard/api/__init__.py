"""The endpoint agent's API: grants, executed exports, device events."""
