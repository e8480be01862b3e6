"""Presentation layer: figure style and charts, maps, reader-facing labels and tables, notebook helpers."""
