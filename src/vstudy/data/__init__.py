"""Data layer: the gazetteer and boundaries, schema declarations and validation, dataset readers, the processed
layer, number parsing and atomic writes. Imports nothing above it (only :mod:`vstudy.vocab`)."""
