"""Pure rules of the evaluation engine (no ORM, no I/O)."""
