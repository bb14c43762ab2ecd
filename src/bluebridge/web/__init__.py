"""The portal: server-rendered pages, static files and message catalogs (ar, en, es, fr)."""
