"""What the pages show, by context: each module turns selector results into page values."""
