"""The outer ring: the one composition root (`root`) and the entry points built on it (CLI, worker).

The only code that knows every adapter (devices/, db/, ui/). The core (the rest of `kiosk/`) never
imports from here; tests/test_import_contract.py enforces it.
"""
