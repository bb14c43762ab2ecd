"""The HTTP API: the FastAPI application factory, authentication dependencies, error
handling as RFC 9457 problem documents, and the mounting of each domain's router."""
