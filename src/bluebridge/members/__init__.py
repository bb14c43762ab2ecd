"""Members: countries, regions, agencies, users, roles, API keys and authentication."""
