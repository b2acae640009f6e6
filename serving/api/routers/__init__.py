"""API routers, mounted under /api by serving.app.create_app."""
