"""Migrations of the example site."""
