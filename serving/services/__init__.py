"""What the routes ask for: recommendation lists with their reasons, fair pre-matches and their
calibration."""
