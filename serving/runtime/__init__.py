"""What the running service holds and how it shares the machine: the feature snapshot and its
refresh, the models and their fallback ladder, per-snapshot lookups, readiness, LightGBM threads."""
