"""Helpers for the property-based fuzz of every URL (tests/test_fuzz.py).

urls.py finds the endpoints in the URLconf and fills their paths; world.py makes the objects
and people they act on and sends the requests; scan.py reads the forms and links the pages
offer; payloads.py draws the data sent; sweep.py tries each hostile value in every slot and
field in turn.
"""
