"""Item → Document: one module per format family, chosen by sniffing (see registry.py)."""
