"""Scripts the crash and two-process tests run as child processes."""
