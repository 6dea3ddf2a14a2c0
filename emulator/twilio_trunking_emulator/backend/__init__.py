"""Storage of the emulated account: records, the SQLite store, seeding and its errors."""
