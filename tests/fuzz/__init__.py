"""Helpers for the property-based fuzz of every URL (tests/test_fuzz.py).

urls.py finds the endpoints in the URLconf, world.py makes the objects they act on and reads
the field names their pages use, payloads.py draws the values sent to them.
"""
