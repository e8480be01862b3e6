"""Analysis layer: statistics, one module per section's logic, the replication register. Reads the data layer."""
