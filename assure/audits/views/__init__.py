"""The audit pages, one module per kind of audit."""
