"""Reads for what one page or one htmx partial shows, each in a bounded number of queries."""
