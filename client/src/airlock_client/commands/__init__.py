"""One module per family of commands; `airlock_client.cli` registers them."""
