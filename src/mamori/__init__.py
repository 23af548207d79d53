"""mamori (守り): find personal data, investigate leaks, guard exports."""

__version__ = "0.1.0"
