"""API models (request and response bodies), kept apart from storage rows."""
