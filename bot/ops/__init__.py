"""Running it: leader election, metrics, the HTTP endpoint, console mode, logging and the image
worker process."""
