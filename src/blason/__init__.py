"""Blason: the Django project."""
