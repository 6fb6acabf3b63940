"""The public networks: one module per network, each a ``Network`` (app/domain/ports.py)."""
