"""`make bench`: search latency on synthetic directories of 1k, 10k and 100k services."""
