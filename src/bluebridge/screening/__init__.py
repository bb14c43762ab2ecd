"""Screening: names across scripts, documents, vehicles and objects against the shared databases (FIND) and offline copies (MIND)."""
