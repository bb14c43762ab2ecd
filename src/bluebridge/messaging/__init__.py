"""The secure network: messages between agencies, their forms, receipts and keys."""
