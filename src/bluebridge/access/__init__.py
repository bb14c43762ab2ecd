"""Access: who is acting (the principal), what roles allow, and the one place that decides
whether a principal may see or change a thing."""
