"""People, departments, roles, passwords, TOTP and log-in."""
