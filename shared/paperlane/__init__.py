"""Paperlane: a serverless PDF-to-data pipeline."""

__version__ = "0.1.0"
