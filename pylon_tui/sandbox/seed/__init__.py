"""Deterministic demo data for every emulated service, and the text it is made of."""
