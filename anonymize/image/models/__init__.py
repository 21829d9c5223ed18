"""Model files that ship with Airlock (see each file's derivation and licence here)."""
