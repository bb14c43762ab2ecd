"""One module per kind of record: its payload schema, validators, default retention and the
keys that exact lookups use. `bluebridge.records.registry` collects them."""
