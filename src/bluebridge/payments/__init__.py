"""I-GRIP: interception of fraudulent cross-border payments, leg by leg, and their ISO 20022 messages."""
