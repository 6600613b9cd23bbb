"""Proofs: W3C Data Integrity (``data_integrity``); JOSE forms live in ``obcore.jose``."""
