"""One module per CLI command (or family of commands); each exports COMMANDS."""
