"""Entries in and out: the spec's JSON/CSV shapes, writers, and importers."""
