"""The HTTP API: the routes (``routers/``), their models (``schemas/``), and the plumbing every
route shares: login and tokens, errors, paging, request limits, admission, metrics."""
