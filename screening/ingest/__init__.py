"""Readers and the validating loader: sources in, canonical records and quarantine out."""
