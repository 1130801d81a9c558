"""Payment networks: graphs built from the store, network patterns, tracing and exports."""
